package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One test per {@code rules/bad/*.bad.yaml} fixture: the file's {@code # expect: CODE line:column}
 * comments list exactly the diagnostics it must produce, no more and no fewer.
 */
class BadRuleFilesTest {

  private static final Pattern EXPECT =
      Pattern.compile("#\\s*expect:\\s*([RW]\\d{4})\\s+(\\d+):(\\d+)");

  @TestFactory
  Stream<DynamicTest> shouldReportExpectedDiagnosticsWhenLoadingBadFixture()
      throws IOException, URISyntaxException {
    Path directory = Path.of(BadRuleFilesTest.class.getResource("/rules/bad").toURI());
    List<Path> fixtures;
    try (Stream<Path> files = Files.list(directory)) {
      fixtures =
          files
              .filter(path -> path.getFileName().toString().endsWith(".bad.yaml"))
              .sorted()
              .toList();
    }
    assertThat(fixtures).hasSizeGreaterThan(25);
    return fixtures.stream()
        .map(
            fixture ->
                DynamicTest.dynamicTest(
                    fixture.getFileName().toString(), fixture.toUri(), () -> check(fixture)));
  }

  private static void check(Path fixture) throws IOException {
    String text = Files.readString(fixture, StandardCharsets.UTF_8);
    List<String> expected =
        EXPECT.matcher(text).results().map(BadRuleFilesTest::expectation).sorted().toList();
    assertThat(expected).as("the fixture lists its expectations").isNotEmpty();

    LoadResult result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> RuleLoader.loadString(fixture.getFileName().toString(), text));

    List<String> actual =
        result.diagnostics().stream()
            .map(d -> d.code().code() + " " + d.span().line() + ":" + d.span().column())
            .sorted()
            .toList();
    assertThat(actual).as(result.render()).isEqualTo(expected);
    assertThat(result.render()).contains(fixture.getFileName().toString());
  }

  private static String expectation(MatchResult match) {
    return match.group(1) + " " + match.group(2) + ":" + match.group(3);
  }
}
