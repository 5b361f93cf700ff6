package io.tidewatch.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlarmReplayTest {

  private static final long MINUTE = 60_000;

  private static AlarmReplay replay(String yaml) {
    LoadResult loaded = RuleLoader.loadString("rules.yaml", yaml);
    assertThat(loaded.hasErrors()).as(loaded.render()).isFalse();
    return new AlarmReplay(loaded.ruleSet(), 0L);
  }

  @Test
  void metricMathAlarmIsReplayedPerGroupByInstance() {
    AlarmReplay replay =
        replay(
            """
            alarms:
              - name: error-ratio
                metrics:
                  e: {metric: {namespace: Web, name: http_5xx}, statistic: Sum}
                  r: {metric: {namespace: Web, name: http_requests}, statistic: Sum}
                expression: 100 * e / r
                groupBy: [host]
                period: 1m
                evaluationPeriods: 2
                comparison: GreaterThanThreshold
                threshold: 5
            """);
    // host a: 10% errors in minutes 2 and 3 (ALARM at 4m), then 1% (OK at 5m); host b: 1%.
    double[] errors = {1, 1, 10, 10, 1};
    for (int minute = 0; minute < errors.length; minute++) {
      long t = minute * MINUTE + 1_000;
      replay.add("Web", "http_requests", Map.of("host", "a"), t, 60);
      replay.add("Web", "http_requests", Map.of("host", "a"), t + 30_000, 40);
      replay.add("Web", "http_5xx", Map.of("host", "a"), t, errors[minute]);
      replay.add("Web", "http_requests", Map.of("host", "b"), t, 100);
      replay.add("Web", "http_5xx", Map.of("host", "b"), t, 1);
    }

    Map<String, List<AlarmReplay.Transition>> transitions = replay.transitions(5 * MINUTE);

    assertThat(transitions.get("error-ratio{host=a}"))
        .extracting(AlarmReplay.Transition::periodEndMillis, AlarmReplay.Transition::to)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1 * MINUTE, AlarmState.OK),
            org.assertj.core.groups.Tuple.tuple(4 * MINUTE, AlarmState.ALARM),
            org.assertj.core.groups.Tuple.tuple(5 * MINUTE, AlarmState.OK));
    assertThat(transitions.get("error-ratio{host=b}"))
        .extracting(AlarmReplay.Transition::to)
        .containsExactly(AlarmState.OK);
  }

  @Test
  void plainAlarmStillReplays() {
    AlarmReplay replay =
        replay(
            """
            alarms:
              - name: cpu-high
                metric: {namespace: Host, name: cpu}
                statistic: Maximum
                period: 1m
                evaluationPeriods: 1
                comparison: GreaterThanThreshold
                threshold: 70
            """);
    replay.add("Host", "cpu", Map.of("host", "a"), 10_000, 50);
    replay.add("Host", "cpu", Map.of("host", "a"), MINUTE + 10_000, 90);

    assertThat(replay.transitions(2 * MINUTE).get("cpu-high"))
        .extracting(AlarmReplay.Transition::to)
        .containsExactly(AlarmState.OK, AlarmState.ALARM);
  }

  @Test
  void shouldAlarmFromTheStartOfTheReplayWhenABreachingAlarmsMetricNeverReports() {
    AlarmReplay replay =
        replay(
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
            """);

    assertThat(replay.transitions(3 * MINUTE).get("nightly-job-heartbeat"))
        .extracting(AlarmReplay.Transition::periodEndMillis, AlarmReplay.Transition::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1 * MINUTE, AlarmState.ALARM));
  }

  @Test
  void shouldCreateAGroupByInstanceOnlyWithItsFirstDatapointWhenReplayed() {
    AlarmReplay replay =
        replay(
            """
            alarms:
              - name: host-heartbeat
                metric: {namespace: Jobs, name: nightly_run}
                groupBy: [host]
                statistic: SampleCount
                period: 1m
                evaluationPeriods: 1
                comparison: LessThanThreshold
                threshold: 1
                treatMissingData: breaching
            """);
    replay.add("Jobs", "nightly_run", Map.of("host", "a"), 2 * MINUTE + 1_000, 1);

    Map<String, List<AlarmReplay.Transition>> transitions = replay.transitions(4 * MINUTE);

    // Not evaluated (so not ALARM) before its first datapoint; the newest real one decides after.
    assertThat(transitions).containsOnlyKeys("host-heartbeat{host=a}");
    assertThat(transitions.get("host-heartbeat{host=a}"))
        .extracting(AlarmReplay.Transition::periodEndMillis, AlarmReplay.Transition::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(3 * MINUTE, AlarmState.OK));
  }
}
