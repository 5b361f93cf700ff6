package io.tidewatch.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RULES.md section 4's tables, written as rule tests under {@code ruletests/aws-missing-data/}, run
 * through the same runner as {@code tidewatch rules test}: every row under every treatment.
 */
class AwsMissingDataRuleTestsTest {

  private static final RuleTestRunner RUNNER =
      new RuleTestRunner(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @TempDir Path temp;

  private static Path directory() throws URISyntaxException {
    return Path.of(
        AwsMissingDataRuleTestsTest.class.getResource("/ruletests/aws-missing-data").toURI());
  }

  private static List<Path> testFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> file.toString().endsWith(".test.yaml")).sorted().toList();
    }
  }

  @Test
  void shouldPassEveryRowOfBothAwsTablesWhenRunAsRuleTests()
      throws IOException, URISyntaxException {
    List<Path> files = testFiles(directory());

    RuleTestReport report = RUNNER.run(files);

    assertThat(files).hasSize(4);
    assertThat(report.passed()).as(report.render()).isTrue();
    // 2 tables x 5 rows x (2 prior states + from t = 0)
    assertThat(report.tests()).hasSize(30);
    assertThat(report.tests())
        .extracting(RuleTestResult::name)
        .contains(
            "[- - - - -] after ALARM",
            "[- - - - -] after OK",
            "[- - - X -] after OK",
            "[- - - - -] from t = 0",
            "[- - - X -] from t = 0");
    assertThat(report.render()).endsWith("30 passed, 0 failed\n");
  }

  @Test
  void shouldEvaluateAnAlarmWithoutGroupByFromTimeZeroWhenItsMetricNeverReports()
      throws IOException {
    Files.writeString(
        temp.resolve("rules.yaml"),
        """
        alarms:
          - name: nightly-job-heartbeat
            metric: {namespace: Jobs, name: nightly_run}
            statistic: SampleCount
            period: 1m
            evaluationPeriods: 1
            comparison: LessThanThreshold
            threshold: 1
            treatMissingData: breaching
            actions: {alarm: [ops-page]}
          - name: sparse-errors
            metric: {namespace: Jobs, name: errors}
            statistic: Sum
            period: 1m
            evaluationPeriods: 3
            comparison: GreaterThanThreshold
            threshold: 0
            treatMissingData: notBreaching
        actions:
          ops-page: {type: slack, channel: "#ops"}
        """);
    Path test = temp.resolve("heartbeat.test.yaml");
    Files.writeString(
        test,
        """
        ruleFiles: [rules.yaml]
        tests:
          - name: a job that never started
            series:
              - metric: {namespace: Other, name: unrelated}
                every: 1m
                values: "1x3"
            expect:
              - {at: 59s, alarm: nightly-job-heartbeat, state: INSUFFICIENT_DATA}
              - {at: 1m, alarm: nightly-job-heartbeat, state: ALARM}
              - {at: 1m, alarm: sparse-errors, state: OK}
            expectActions:
              - {at: 1m, action: ops-page, alarm: nightly-job-heartbeat}
        """);

    RuleTestReport report = RUNNER.run(test);

    assertThat(report.passed()).as(report.render()).isTrue();
  }

  @Test
  void shouldFailRetainRowWhenItExpectsInsufficientDataInsteadOfThePriorState()
      throws IOException, URISyntaxException {
    Path copy = copyOfTables();
    Path n3m3 = copy.resolve("n3-m3.test.yaml");
    String text = Files.readString(n3m3);
    // The "- - - - -" row after OK: 'ignore' keeps OK. A runner that lost the prior state would
    // give INSUFFICIENT_DATA, as 'missing' does; expecting that must fail.
    String retained = "      - {at: 8m, alarm: n3m3-ignore, state: OK}   # Retain";
    int row = text.indexOf("[- - - - -] after OK");
    int cell = text.indexOf(retained, row);
    assertThat(cell).isPositive();
    Files.writeString(
        n3m3,
        text.substring(0, cell)
            + retained.replace("state: OK", "state: INSUFFICIENT_DATA")
            + text.substring(cell + retained.length()));

    RuleTestReport report = RUNNER.run(n3m3);

    assertThat(report.passed()).isFalse();
    assertThat(report.tests().stream().filter(test -> !test.passed()))
        .singleElement()
        .satisfies(
            test -> {
              assertThat(test.name()).isEqualTo("[- - - - -] after OK");
              assertThat(test.failures())
                  .singleElement()
                  .extracting(RuleTestFailure::message)
                  .isEqualTo("expected INSUFFICIENT_DATA at 8m for n3m3-ignore, got OK");
            });
  }

  private Path copyOfTables() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(directory())) {
      for (Path file : files.toList()) {
        Files.copy(file, temp.resolve(file.getFileName()));
      }
    }
    return temp;
  }
}
