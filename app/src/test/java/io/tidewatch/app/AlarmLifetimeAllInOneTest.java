package io.tidewatch.app;

import static io.tidewatch.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alarm without groupBy exists from its {@code rules apply} (RULES.md section 2, "Lifetime"),
 * through the public entry points of the all-in-one: a heartbeat alarm on a job that never reports
 * fires within one period (plus the evaluation delay) of its apply, and removing it while in ALARM
 * tells its receivers.
 */
class AlarmLifetimeAllInOneTest {

  private static final Duration PERIOD = Duration.ofSeconds(10);

  private static String heartbeat(String name) {
    return """
        alarms:
          - name: %s
            description: the job reports a run every period
            metric: {namespace: Jobs, name: %s_run}
            statistic: SampleCount
            period: 10s
            evaluationPeriods: 1
            comparison: LessThanThreshold
            threshold: 1
            treatMissingData: breaching
        """
        .formatted(name, name);
  }

  @TempDir Path dataDir;
  @TempDir Path rulesDir;

  @Test
  void shouldAlarmWithinOnePeriodOfItsApplyWhenABreachingAlarmsMetricNeverReports()
      throws Exception {
    Files.writeString(rulesDir.resolve("warmup.yaml"), heartbeat("warmup-heartbeat"));
    AllInOne.Config config =
        new AllInOne.Config(
            dataDir,
            Optional.empty(),
            0,
            "127.0.0.1",
            0,
            0,
            0,
            RuleFiles.forUp(Optional.of(rulesDir), false),
            false,
            false,
            Topics.defaults(),
            Optional.empty());
    StringWriter console = new StringWriter();
    try (AllInOne allInOne = AllInOne.start(config, new PrintWriter(console, true))) {
      String bootstrap = allInOne.endpoints().bootstrapServers();
      // The alarm given to `tidewatch up` fires although nothing ever reports: the processor runs.
      awaitEvent(bootstrap, "warmup-heartbeat", AlarmState.ALARM, Duration.ofSeconds(90));

      // Applied halfway through a period, so that the expected moment (the period's end plus the
      // evaluation delay, about 6.5 s later) leaves the bound below a margin that a loaded
      // machine's scheduling cannot eat; applied just after a boundary it would be 0.5 s.
      long intoPeriod = System.currentTimeMillis() % PERIOD.toMillis();
      Thread.sleep(Math.floorMod(PERIOD.toMillis() / 2 - intoPeriod, PERIOD.toMillis()));
      Files.writeString(rulesDir.resolve("job.yaml"), heartbeat("job-heartbeat"));
      CliRun apply = run("rules", "apply", rulesDir.toString(), "--bootstrap-servers", bootstrap);
      assertThat(apply.exitCode()).as(apply.err()).isZero();
      Instant applied = Instant.now(); // the rules are in tw.rules once the command has returned

      AlarmStateChange alarm =
          awaitEvent(bootstrap, "job-heartbeat", AlarmState.ALARM, Duration.ofSeconds(60));
      assertThat(alarm.detail().previousState().value()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
      assertThat(alarm.detail().state().reason()).contains("no datapoints were received");
      assertThat(Duration.between(applied, alarm.time()))
          .as("evaluated at the end of the period it was applied in, plus the evaluation delay")
          .isLessThanOrEqualTo(PERIOD.plusSeconds(2));

      // Removed while in ALARM: a closing event, which the console receiver prints.
      Files.delete(rulesDir.resolve("job.yaml"));
      CliRun remove = run("rules", "apply", rulesDir.toString(), "--bootstrap-servers", bootstrap);
      assertThat(remove.exitCode()).as(remove.err()).isZero();
      AlarmStateChange closing =
          awaitEvent(bootstrap, "job-heartbeat", AlarmState.OK, Duration.ofSeconds(60));
      assertThat(closing.detail().state().reason()).startsWith("alarm removed while in ALARM");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(allInOne.endpoints().alarmLog()))
                      .contains("OK job-heartbeat (was ALARM) alarm removed while in ALARM"));
    }
  }

  private static AlarmStateChange awaitEvent(
      String bootstrap, String instance, AlarmState state, Duration atMost) {
    List<AlarmStateChange> found = new ArrayList<>();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              found.clear();
              readEvents(bootstrap).stream()
                  .filter(e -> e.detail().alarmInstance().equals(instance))
                  .filter(e -> e.detail().state().value() == state)
                  .forEach(found::add);
              return !found.isEmpty();
            });
    assertThat(found).as("one %s event of %s", state, instance).hasSize(1);
    return found.get(0);
  }

  /** Every committed event on tw.alarm-events so far. */
  private static List<AlarmStateChange> readEvents(String bootstrap) {
    var topic = Topics.defaults().alarmEvents();
    return TopicReader.readAll(bootstrap, topic.name()).stream()
        .map(topic.codec()::decode)
        .toList();
  }
}
