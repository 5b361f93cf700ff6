package io.tidewatch.app;

import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleDocument;
import io.tidewatch.rules.RuleDocuments;
import io.tidewatch.rules.RuleLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads rule files for publication on the rules topic; a file with errors stops everything. */
final class RuleFiles {

  static final String DEMO_RULES = "demo/demo-rules.yaml";

  private RuleFiles() {}

  /**
   * What to publish on the rules topic.
   *
   * @param replaceAll whether rules on the topic that are not among {@code documents} are removed
   */
  record Publication(List<RuleDocument> documents, boolean replaceAll) {
    Publication {
      documents = List.copyOf(documents);
    }
  }

  /**
   * The rules {@code tidewatch up} publishes: a rules directory replaces what the topic holds (the
   * demo alarm added with --demo); --demo alone adds the demo alarm to it; neither leaves the topic
   * as {@code rules apply} last left it.
   */
  static Optional<Publication> forUp(Optional<Path> directory, boolean demo) {
    List<RuleDocument> documents = new ArrayList<>();
    directory.ifPresent(dir -> documents.addAll(RuleDocuments.of(checked(RuleLoader.load(dir)))));
    if (demo) {
      documents.addAll(
          RuleDocuments.of(checked(RuleLoader.loadString("(demo) " + DEMO_RULES, demoYaml()))));
    }
    if (directory.isEmpty() && !demo) {
      return Optional.empty();
    }
    return Optional.of(new Publication(documents, directory.isPresent()));
  }

  /** The documents of a rules directory, for {@code rules apply}. */
  static List<RuleDocument> documents(Path directory) {
    return RuleDocuments.of(checked(RuleLoader.load(directory)));
  }

  static LoadResult checked(LoadResult result) {
    if (result.hasErrors()) {
      throw new OneLineErrors.UsageException(
          "rule files have errors; nothing was applied:\n" + result.render());
    }
    return result;
  }

  private static String demoYaml() {
    try (InputStream in = RuleFiles.class.getClassLoader().getResourceAsStream(DEMO_RULES)) {
      if (in == null) {
        throw new IllegalStateException(DEMO_RULES + " is missing from the application jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
