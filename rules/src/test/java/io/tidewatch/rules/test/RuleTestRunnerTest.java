package io.tidewatch.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.rules.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleTestRunnerTest {

  /** RULES.md section 1's web-cpu-high, with the actions it names. */
  private static final String WEB_RULES =
      """
      alarms:
        - name: web-cpu-high
          metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web}}
          groupBy: [host]
          statistic: Average
          period: 1m
          evaluationPeriods: 5
          datapointsToAlarm: 3
          comparison: GreaterThanThreshold
          threshold: 70
          actions: {alarm: [ops-slack, web-scale-out], ok: [ops-slack]}
        - name: web-errors
          metric: {namespace: Web, name: http_5xx}
          statistic: Sum
          period: 1m
          evaluationPeriods: 1
          comparison: GreaterThanOrEqualToThreshold
          threshold: 10
      actions:
        ops-slack: {type: slack, channel: "#ops-alerts"}
        web-scale-out: {type: scale, provider: kubernetes, deployment: web}
      """;

  private static final RuleTestRunner RUNNER =
      new RuleTestRunner(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @TempDir Path temp;

  @BeforeEach
  void writeRules() throws IOException {
    Files.createDirectories(temp.resolve("rules"));
    Files.writeString(temp.resolve("rules/web.yaml"), WEB_RULES);
    Files.createDirectories(temp.resolve("tests"));
  }

  private RuleTestReport run(String testYaml) throws IOException {
    Path file = temp.resolve("tests/web.test.yaml");
    Files.writeString(file, testYaml);
    return RUNNER.run(file);
  }

  private static String test(String body) {
    return "ruleFiles: [../rules/web.yaml]\ntests:\n" + body;
  }

  private static final String HOST_A_SERIES =
      """
          series:
            - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: a}}
              every: 1m
              values: "50 80 80 _ 80 80"
      """;

  @Test
  void shouldPassWhenStatesFollowCloudWatchSemantics() throws IOException {
    RuleTestReport report =
        run(
            test(
                """
                  - name: cpu high on host a alarms after 3 breaching of 5
                """
                    + HOST_A_SERIES
                    + """
                        expect:
                          - {at: 30s, alarm: "web-cpu-high{host=a}", state: INSUFFICIENT_DATA}
                          - {at: 2m, alarm: "web-cpu-high{host=a}", state: OK}
                          - {at: 299s, alarm: "web-cpu-high{host=a}", state: OK}
                          - {at: 5m, alarm: "web-cpu-high{host=a}", state: ALARM}
                          - {at: 6m, alarm: "web-cpu-high{host=a}", state: ALARM}
                        expectActions:
                          - {at: 1m, action: ops-slack, alarm: "web-cpu-high{host=a}"}
                          - {at: 5m, action: ops-slack, alarm: "web-cpu-high{host=a}"}
                          - {at: 5m, action: web-scale-out, alarm: "web-cpu-high{host=a}"}
                    """));

    assertThat(report.passed()).as(report.render()).isTrue();
    assertThat(report.render())
        .isEqualTo(
            "PASS "
                + temp.resolve("tests/web.test.yaml")
                + ": cpu high on host a alarms after 3 breaching of 5\n1 passed, 0 failed\n");
  }

  @Test
  void shouldFailWithExpectedAndGotAndDatapointsWhenExpectationIsWrong() throws IOException {
    RuleTestReport report =
        run(
            test(
                """
                  - name: wrong on purpose
                """
                    + HOST_A_SERIES
                    + """
                        expect:
                          - {at: 4m, alarm: "web-cpu-high{host=a}", state: ALARM}
                    """));

    assertThat(report.passed()).isFalse();
    RuleTestFailure failure = report.tests().get(0).failures().get(0);
    assertThat(failure.message())
        .isEqualTo("expected ALARM at 4m for web-cpu-high{host=a}, got OK");
    assertThat(failure.span().line()).isEqualTo(9);
    assertThat(failure.details())
        .startsWith(
            "web-cpu-high{host=a}: Average per 1m, GreaterThanThreshold 70.0, 3 of 5 datapoints,"
                + " range 7, treatMissingData missing\n")
        .contains(
            """
              datapoints (period start → Average) up to 4m:
                -3m → missing
                -2m → missing
                -1m → missing
                0s → 50.0
                1m → 80.0
                2m → 80.0
                3m → missing
              transitions:
                1m INSUFFICIENT_DATA → OK actions [ops-slack]
              evaluation at 4m: Threshold Crossed:\
            """);
    assertThat(report.render())
        .contains("FAIL ")
        .contains(
            "web.test.yaml:9:25: expected ALARM at 4m for web-cpu-high{host=a}, got OK\n"
                + "    web-cpu-high{host=a}: Average per 1m")
        .endsWith("0 passed, 1 failed\n");
  }

  @Test
  void shouldNameTheTimeAnActionFiredWhenExpectedAtAnotherTime() throws IOException {
    RuleTestReport report =
        run(
            test(
                """
                  - name: the RULES.md example expects the page at 6m
                """
                    + HOST_A_SERIES
                    + """
                        expectActions:
                          - {at: 6m, action: ops-slack, alarm: "web-cpu-high{host=a}"}
                          - {at: 5m, action: web-scale-out, alarm: "web-cpu-high{host=a}"}
                    """));

    assertThat(report.tests().get(0).failures())
        .extracting(RuleTestFailure::message)
        .containsExactly(
            "expected action ops-slack at 6m for web-cpu-high{host=a}, but no action fired then;"
                + " it fired at 1m (→ OK), 5m (→ ALARM)",
            "unexpected action ops-slack at 5m for web-cpu-high{host=a}: it fired too, but is not"
                + " expected");
  }

  @Test
  void shouldAggregateEverySelectedSeriesPerInstanceWhenAlarmGroupsBy() throws IOException {
    RuleTestReport report =
        run(
            test(
                """
                  - name: hosts are separate instances, series of one host are averaged
                    series:
                      - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: a, cpu: "0"}}
                        every: 30s
                        values: "100x9"
                      - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: a, cpu: "1"}}
                        every: 30s
                        values: "0x9"
                      - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: b}}
                        every: 1m
                        values: "71 72 73 74 75"
                      - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: db, host: c}}
                        every: 1m
                        values: "99x4"
                      - metric: {namespace: Web, name: http_5xx}
                        every: 20s
                        values: "1+1x5"
                    expect:
                      - {at: 5m, alarm: "web-cpu-high{host=a}", state: OK}
                      - {at: 3m, alarm: "web-cpu-high{host=b}", state: ALARM}
                      - {at: 5m, alarm: "web-cpu-high{host=c}", state: INSUFFICIENT_DATA}
                      - {at: 1m, alarm: web-errors, state: OK}
                      - {at: 2m, alarm: web-errors, state: ALARM}
                """));

    assertThat(report.passed()).as(report.render()).isTrue();
  }

  @Test
  void shouldReportUndefinedReferencesWithSuggestionsAndRunNothing() throws IOException {
    RuleTestReport report =
        run(
            test(
                """
                  - name: typos
                """
                    + HOST_A_SERIES
                    + """
                        expect:
                          - {at: 4m, alarm: "web-cpu-hgh{host=a}", state: ALARM}
                          - {at: 4m, alarm: web-cpu-high, state: ALARM}
                        expectActions:
                          - {at: 4m, alarm: web-errors, action: ops-slak}
                    """));

    assertThat(report.passed()).isFalse();
    assertThat(report.tests()).isEmpty();
    assertThat(report.files().get(0).diagnostics())
        .extracting(d -> d.code().code() + " " + d.span().line() + ":" + d.span().column())
        .containsExactly("R3001 9:25", "R2003 10:25", "R3001 12:25");
    assertThat(report.files().get(0).diagnostics())
        .extracting(Diagnostic::message)
        .containsExactly(
            "alarm 'web-cpu-hgh' is not defined in the rule files (did you mean 'web-cpu-high'?)",
            "alarm 'web-cpu-high' groups by [host], so its instance is written"
                + " web-cpu-high{host=...}, not web-cpu-high",
            "action 'ops-slak' (expected for web-errors) is not defined in the rule files (did you"
                + " mean 'ops-slack'?)");
    assertThat(report.render())
        .contains("web.test.yaml:9:25: error[R3001]")
        .contains("    9 |       - {at: 4m, alarm: \"web-cpu-hgh{host=a}\", state: ALARM}\n")
        .contains(": not run: fix the errors above\n")
        .endsWith("0 passed, 0 failed, 1 file with errors\n");
  }

  @Test
  void shouldReportEveryProblemOfTestFileWithPositions() throws IOException {
    RuleTestReport report =
        run(
            """
            ruleFiles: [../rules/web.yaml, ../rules/missing.yaml]
            tests:
              - name: bad
                series:
                  - metric: {namespace: Host, name: cpu_utilization}
                    every: 1m
                    values: "1 2x3 1*2x3 _x2 nan"
                    step: 1m
                expect:
                  - {at: 6, alarm: "web-cpu-high{host=a}", state: ALRM}
                logs:
                  - {logGroup: /nginx/access, at: 30s, lines: ["x"]}
              - name: bad
                expect:
                  - {at: 1m, alarm: "web{", state: OK}
            """);

    assertThat(report.files().get(0).diagnostics())
        .extracting(d -> d.code().code() + " " + d.span().line() + ":" + d.span().column())
        .containsExactly(
            "R1004 1:32",
            "R2003 7:24",
            "R2003 7:34",
            "R2001 8:9",
            "R2002 10:14",
            "R2003 10:55",
            "R2005 11:5",
            "R3002 13:11",
            "R2003 15:25");
    assertThat(report.render())
        .contains(
            "error[R2003]: '1*2x3' is not a sample: expected a number, a+bxn, a-bxn, axn, _ or _xn"
                + " (the step is written a+bxn, without '*')")
        .contains("unknown alarm state 'ALRM' (did you mean 'ALARM'?)")
        .contains("'logs' (input for metric filters and queries) is not supported yet");
  }

  @Test
  void shouldNotRunTestsWhenRuleFilesHaveErrors() throws IOException {
    Files.writeString(
        temp.resolve("rules/broken.yaml"), "alarms:\n  - name: x\n    statistic: avgg\n");
    Path file = temp.resolve("tests/broken.test.yaml");
    Files.writeString(
        file,
        """
        ruleFiles: [../rules]
        tests:
          - name: never runs
            expect:
              - {at: 1m, alarm: web-errors, state: OK}
        """);

    RuleTestReport report = RUNNER.run(file);

    assertThat(report.passed()).isFalse();
    assertThat(report.errorCount()).isEqualTo(1);
    assertThat(report.render())
        .contains("broken.yaml:3:16: error[R2003]: unknown statistic 'avgg'");
  }

  @Test
  void shouldComputePercentilesFromSketchesWhenAlarmUsesOne() throws IOException {
    Files.writeString(
        temp.resolve("rules/latency.yaml"),
        """
        alarms:
          - name: api-latency-p90
            metric: {namespace: Web, name: http_latency_ms}
            statistic: p90
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 500
        """);
    Path file = temp.resolve("tests/latency.test.yaml");
    Files.writeString(
        file,
        """
        ruleFiles: [../rules/latency.yaml]
        tests:
          - name: p90 stays low for two minutes, then reaches 540 ms (samples 10..600) in the third
            series:
              - metric: {namespace: Web, name: http_latency_ms}
                every: 1s
                values: "1+1x99 _x19 10+10x89 1000x9 _x39"
            expect:
              - {at: 1m, alarm: api-latency-p90, state: OK}
              - {at: 2m, alarm: api-latency-p90, state: OK}
              - {at: 3m, alarm: api-latency-p90, state: ALARM}
        """);

    RuleTestReport report = RUNNER.run(file);

    assertThat(report.passed()).as(report.render()).isTrue();
  }

  @Test
  void shouldEvaluateCompositeAlarmsWhenTheAlarmsTheyNameChange() throws IOException {
    Files.writeString(
        temp.resolve("rules/composite.yaml"),
        """
        compositeAlarms:
          - name: web-down
            rule: ALARM("web-errors") AND NOT OK("web-cpu-high")
            actions: {alarm: [ops-slack], ok: [ops-slack]}
          - name: page
            rule: ALARM(web-down) OR ALARM("web-cpu-high{host=b}")
        """);
    Path file = temp.resolve("tests/composite.test.yaml");
    Files.writeString(
        file,
        """
        ruleFiles: [../rules/web.yaml, ../rules/composite.yaml]
        tests:
          - name: errors while a host is hot page; once every host cooled down they do not
            series:
              - metric: {namespace: Web, name: http_5xx}
                every: 1m
                values: "0 20x5"
              - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: a}}
                every: 1m
                values: "90x3 10x20"
              - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: b}}
                every: 1m
                values: "10x3 _ 10"
            expect:
              - {at: 0s, alarm: web-down, state: OK}
              - {at: 2m, alarm: web-down, state: ALARM}
              - {at: 2m, alarm: page, state: ALARM}
              - {at: 6m, alarm: web-down, state: ALARM}
              - {at: 7m, alarm: web-down, state: OK}
              - {at: 7m, alarm: page, state: OK}
            expectActions:
              - {at: 0s, action: ops-slack, alarm: web-down}
              - {at: 2m, action: ops-slack, alarm: web-down}
              - {at: 7m, action: ops-slack, alarm: web-down}
        """);

    RuleTestReport report = RUNNER.run(file);

    assertThat(report.passed()).as(report.render()).isTrue();
  }

  @Test
  void shouldEvaluateMetricMathPerPeriodWhenAlarmHasAnExpression() throws IOException {
    Files.writeString(
        temp.resolve("rules/math.yaml"),
        """
        alarms:
          - name: web-5xx-ratio
            metrics:
              e: {metric: {namespace: Web, name: http_5xx}, statistic: Sum}
              r: {metric: {namespace: Web, name: http_requests}, statistic: Sum}
            expression: 100 * e / r
            groupBy: [host]
            period: 1m
            evaluationPeriods: 3
            comparison: GreaterThanThreshold
            threshold: 5
        """);
    Path file = temp.resolve("tests/math.test.yaml");
    String series =
        """
            series:
              - metric: {namespace: Web, name: http_5xx, dimensions: {host: a}}
                every: 30s
                values: "0 0 1 0 5 5 5 5 5 5"
              - metric: {namespace: Web, name: http_requests, dimensions: {host: a}}
                every: 30s
                values: "50x9"
              - metric: {namespace: Web, name: http_requests, dimensions: {host: b}}
                every: 1m
                values: "0x4"
        """;
    Files.writeString(
        file,
        "ruleFiles: [../rules/math.yaml]\ntests:\n"
            + "  - name: the ratio is 100 * sum(5xx) / sum(requests) per minute\n"
            + series
            + """
                expect:
                  - {at: 3m, alarm: "web-5xx-ratio{host=a}", state: OK}
                  - {at: 5m, alarm: "web-5xx-ratio{host=a}", state: ALARM}
                  - {at: 4m, alarm: "web-5xx-ratio{host=b}", state: INSUFFICIENT_DATA}
              - name: wrong on purpose, to show the inputs
            """
            + series
            + """
                expect:
                  - {at: 3m, alarm: "web-5xx-ratio{host=a}", state: ALARM}
            """);

    RuleTestReport report = RUNNER.run(file);

    assertThat(report.tests().get(0).passed()).as(report.render()).isTrue();
    assertThat(report.tests().get(1).failures().get(0).details())
        .startsWith(
            "web-5xx-ratio{host=a}: metric math 100 * e / r (e: Sum of Web/http_5xx, r: Sum of"
                + " Web/http_requests) per 1m, GreaterThanThreshold 5.0")
        .contains(
            """
              datapoints (period start → 100 * e / r) up to 3m:
                -2m → missing (e=missing, r=missing)
                -1m → missing (e=missing, r=missing)
                0s → 0.0 (e=0.0, r=100.0)
                1m → 1.0 (e=1.0, r=100.0)
                2m → 10.0 (e=10.0, r=100.0)
            """);
  }

  @Test
  void shouldLearnBandPerInstanceAndAlarmWhenLatencyLeavesIt() throws IOException {
    Files.writeString(
        temp.resolve("rules/anomaly.yaml"),
        """
        alarms:
          - name: api-latency-anomaly
            metric: {namespace: Web, name: http_latency_ms}
            groupBy: [host]
            statistic: Average
            period: 1m
            evaluationPeriods: 3
            datapointsToAlarm: 2
            anomalyBand: {width: 2}
            comparison: GreaterThanUpperThreshold
            actions: {alarm: [ops-slack]}
          - name: web-slow-or-idle
            metric: {namespace: Web, name: http_latency_ms, dimensions: {host: a}}
            statistic: Average
            period: 1m
            evaluationPeriods: 1
            anomalyBand: {width: 3}
            comparison: LessThanLowerOrGreaterThanUpperThreshold
        actions:
          ops-slack: {type: slack, channel: "#ops"}
        """);
    String normal = "100 110 90 ".repeat(10);
    Path file = temp.resolve("tests/anomaly.test.yaml");
    Files.writeString(
        file,
        """
        ruleFiles: [../rules/anomaly.yaml]
        tests:
          - name: ten minutes to learn, then a spike on host a only
            series:
              - metric: {namespace: Web, name: http_latency_ms, dimensions: {host: a}}
                every: 1m
                values: "%s 1000 1000 1000"
              - metric: {namespace: Web, name: http_latency_ms, dimensions: {host: b}}
                every: 1m
                values: "%s 100 110 90"
            expect:
              - {at: 10m, alarm: "api-latency-anomaly{host=a}", state: INSUFFICIENT_DATA}
              - {at: 12m, alarm: "api-latency-anomaly{host=a}", state: OK}
              - {at: 30m, alarm: "api-latency-anomaly{host=a}", state: OK}
              - {at: 32m, alarm: "api-latency-anomaly{host=a}", state: ALARM}
              - {at: 33m, alarm: "api-latency-anomaly{host=b}", state: OK}
              - {at: 30m, alarm: web-slow-or-idle, state: OK}
              - {at: 31m, alarm: web-slow-or-idle, state: ALARM}
            expectActions:
              - {at: 32m, action: ops-slack, alarm: "api-latency-anomaly{host=a}"}
        """
            .formatted(normal, normal));

    RuleTestReport report = RUNNER.run(file);

    assertThat(report.passed()).as(report.render()).isTrue();
  }

  @Test
  void shouldTreatInstanceIdsAlikeWhateverOrderTheirDimensionsAreWrittenIn() {
    assertThat(InstanceRef.parse("a{x=1,y=2}").instance())
        .containsExactly(java.util.Map.entry("x", "1"), java.util.Map.entry("y", "2"));
    assertThat(InstanceRef.parse("web").instance()).isEmpty();
    assertThat(InstanceRef.parse("web{}").problem()).isPresent();
    assertThat(InstanceRef.parse("web{x=1,x=2}").problem()).isPresent();
    assertThat(InstanceRef.parse("we b").problem()).isPresent();
    assertThat(List.of(InstanceRef.parse("a{h=1}").alarm())).containsExactly("a");
  }
}
