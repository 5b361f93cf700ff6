package io.tidewatch.actions.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden JSON files under {@code src/test/resources/golden/}: compared as JSON trees. Run with
 * {@code -Dgolden.update=true} to rewrite them after an intended change, then review the diff.
 */
final class Golden {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Path ROOT = Path.of("src", "test", "resources", "golden");

  private Golden() {}

  static void assertMatches(String name, JsonNode actual) {
    Path file = ROOT.resolve(name);
    try {
      String pretty = JSON.writeValueAsString(actual) + "\n";
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, pretty, StandardCharsets.UTF_8);
      }
      assertThat(file)
          .as("golden file %s (run with -Dgolden.update=true to create it)", file)
          .exists();
      JsonNode expected = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      assertThat(pretty)
          .as("golden file %s", file)
          .isEqualTo(JSON.writeValueAsString(expected) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
