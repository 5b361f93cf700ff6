package io.tidewatch.app;

import static io.tidewatch.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.streams.rules.RulesTopic;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule tests ({@code *.test.yaml}) beside the rules they test, as the README lays a rules directory
 * out (RULES.md section 1): checked by {@code rules check}, run by {@code rules test DIR}, left out
 * by {@code rules apply}.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RuleTestsBesideRulesTest {

  private static final String RULES =
      """
      alarms:
        - name: web-cpu-high
          metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web}}
          groupBy: [host]
          statistic: Average
          period: 1m
          evaluationPeriods: 3
          comparison: GreaterThanThreshold
          threshold: 70
          actions: {alarm: [ops-slack]}
      actions:
        ops-slack: {type: slack, channel: "#ops"}
      """;

  private static final String TEST =
      """
      ruleFiles: [web.yaml]
      tests:
        - name: cpu high on host a
          series:
            - metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web, host: a}}
              every: 1m
              values: "80 80 80"
          expect:
            - at: 3m
              alarm: web-cpu-high{host=a}
              state: ALARM
      """;

  @TempDir Path dir;

  private Path rules;

  @BeforeEach
  void writeRulesAndTheirTest() throws Exception {
    rules = Files.createDirectory(dir.resolve("my-rules"));
    Files.writeString(rules.resolve("web.yaml"), RULES);
    Files.writeString(rules.resolve("web.test.yaml"), TEST);
  }

  @Test
  void shouldCheckRulesAndTheTestsBesideThemWhenBothAreValid() {
    CliRun run = run("rules", "check", rules.toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("1 alarm, 1 test file, 0 errors");
  }

  @Test
  void shouldReportAnErrorOfATestFileWithItsPositionWhenItNamesAnUnknownAlarm() throws Exception {
    Files.writeString(
        rules.resolve("web.test.yaml"),
        TEST.replace("alarm: web-cpu-high{host=a}", "alarm: web-cpu-hihg{host=a}"));

    CliRun run = run("rules", "check", rules.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("web.test.yaml:10:16: error[R3001]: alarm ")
        .contains("'web-cpu-hihg'")
        .contains("did you mean 'web-cpu-high'?")
        .contains("   10 |         alarm: web-cpu-hihg{host=a}")
        .contains("1 alarm, 1 test file, 1 error");
  }

  @Test
  void shouldReportABadSampleOfATestFileWithItsPosition() throws Exception {
    Files.writeString(
        rules.resolve("web.test.yaml"), TEST.replace("\"80 80 80\"", "\"80 eighty 80\""));

    CliRun run = run("rules", "check", rules.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("web.test.yaml:7:21: error[R2003]: 'eighty' is not a sample")
        .contains("      |                     ^^^^^^")
        .contains("1 error");
  }

  @Test
  void shouldReportAnErrorOfTheRuleFilesOnceWhenTheirTestLoadsThemToo() throws Exception {
    Files.writeString(
        rules.resolve("web.yaml"), RULES.replace("statistic: Average", "statistic: avgg"));

    CliRun run = run("rules", "check", rules.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out().split("unknown statistic 'avgg'", -1)).hasSize(2);
    assertThat(run.out()).contains("web.yaml:5:16: error[R2003]").contains("1 error");
  }

  @Test
  void shouldRunEveryTestFileOfADirectoryWhenRulesTestIsGivenIt() throws Exception {
    Files.writeString(
        rules.resolve("other.test.yaml"),
        TEST.replace("cpu high on host a", "cpu still ok on host b")
            .replace("host: a}", "host: b}")
            .replace("80 80 80", "10 10 10")
            .replace("web-cpu-high{host=a}", "web-cpu-high{host=b}"));

    CliRun run = run("rules", "test", rules.toString());

    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.out())
        .contains("PASS " + rules.resolve("web.test.yaml") + ": cpu high on host a")
        .contains("FAIL " + rules.resolve("other.test.yaml") + ": cpu still ok on host b")
        .contains("1 passed, 1 failed");
  }

  @Test
  void shouldRefuseADirectoryWithoutRuleTestsWhenRulesTestIsGivenIt() throws Exception {
    Files.delete(rules.resolve("web.test.yaml"));

    CliRun run = run("rules", "test", rules.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no rule tests (*.test.yaml) in directory " + rules);
  }

  @Test
  void shouldLeaveTheTestsOutWhenApplyingTheDirectory(EmbeddedBroker broker) throws Exception {
    Topics topics = new Topics("besiderules.");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }

    CliRun applied =
        run(
            "rules",
            "apply",
            rules.toString(),
            "--topic-prefix",
            "besiderules.",
            "--bootstrap-servers",
            broker.bootstrapServers());

    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(new RulesTopic(broker.bootstrapServers(), topics).readAll().keySet())
        .containsExactlyInAnyOrder("alarm/web-cpu-high", "action/ops-slack");
  }
}
