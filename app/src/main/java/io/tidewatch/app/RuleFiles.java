package io.tidewatch.app;

import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.rules.RuleSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Loads the rules the all-in-one runs: the user's directory and, with --demo, the demo alarm. */
final class RuleFiles {

  static final String DEMO_RULES = "demo/demo-rules.yaml";

  private RuleFiles() {}

  static RuleSet load(Optional<Path> directory, boolean demo) {
    RuleSet rules = directory.map(RuleFiles::checked).orElse(RuleSet.empty());
    if (!demo) {
      return rules;
    }
    RuleSet demoRules = checked(RuleLoader.loadString("(demo) " + DEMO_RULES, demoYaml()));
    List<AlarmRule> alarms = new ArrayList<>(rules.alarms());
    alarms.addAll(demoRules.alarms());
    var actions = new LinkedHashMap<>(rules.actions());
    actions.putAll(demoRules.actions());
    return new RuleSet(alarms, actions);
  }

  private static RuleSet checked(Path directory) {
    return checked(RuleLoader.load(directory));
  }

  private static RuleSet checked(LoadResult result) {
    if (result.hasErrors()) {
      throw new OneLineErrors.UsageException("rule files have errors:\n" + result.render());
    }
    return result.ruleSet();
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
