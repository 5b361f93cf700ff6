package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.alarm.Evaluation;
import java.time.Instant;

/** Builds the CloudWatch-shaped state-change event of an evaluation. */
final class AlarmEvents {

  private AlarmEvents() {}

  static AlarmStateChange stateChange(
      String transitionId,
      String instanceId,
      AlarmRule rule,
      AlarmInstanceState previous,
      Evaluation evaluation,
      Instant time) {
    AlarmStateChange.State state =
        new AlarmStateChange.State(
            evaluation.state(), evaluation.reason(), evaluation.reasonDataJson(), time);
    AlarmStateChange.State previousState =
        new AlarmStateChange.State(
            previous.state(),
            previous.reason(),
            previous.reasonData(),
            previous.stateTimestampMillis() == 0
                ? null
                : Instant.ofEpochMilli(previous.stateTimestampMillis()));
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            rule.name(),
            instanceId,
            previous.instance(),
            state,
            previousState,
            configuration(rule),
            rule.labels(),
            rule.runbook());
    return AlarmStateChange.of(transitionId, time, detail);
  }

  private static AlarmStateChange.Configuration configuration(AlarmRule rule) {
    if (rule.hasMetricMath()) {
      // No single metric or statistic: the reason and reasonData carry the expression's values.
      return new AlarmStateChange.Configuration(
          rule.description(),
          null,
          null,
          null,
          null,
          rule.period().toSeconds(),
          rule.evaluationPeriods(),
          rule.datapointsToAlarm(),
          rule.comparison().name(),
          rule.threshold(),
          rule.treatMissingData().name());
    }
    return new AlarmStateChange.Configuration(
        rule.description(),
        rule.metric().namespace(),
        rule.metric().name(),
        rule.metric().dimensions(),
        rule.statistic().label(),
        rule.period().toSeconds(),
        rule.evaluationPeriods(),
        rule.datapointsToAlarm(),
        rule.comparison().name(),
        rule.threshold(),
        rule.treatMissingData().name());
  }
}
