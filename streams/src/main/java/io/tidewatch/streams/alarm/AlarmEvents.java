package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.alarm.Evaluation;
import java.time.Instant;
import java.util.Optional;

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
    AlarmStateChange.State previousState = previousState(previous);
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

  /** The reason of the closing event of an instance removed while in ALARM. */
  static final String REMOVED_REASON =
      "alarm removed while in ALARM: the applied rules no longer define this alarm instance, so it"
          + " is no longer evaluated";

  /**
   * The closing event of an instance removed by {@code rules apply} while in ALARM: a transition to
   * OK, which the notifier treats as resolving every firing notification of the instance.
   *
   * @param rule the alarm as it was defined, when still known (for configuration, labels, runbook)
   */
  static AlarmStateChange removed(
      String transitionId,
      String instanceId,
      Optional<AlarmRule> rule,
      AlarmInstanceState previous,
      Instant time) {
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            previous.rule(),
            instanceId,
            previous.instance(),
            new AlarmStateChange.State(AlarmState.OK, REMOVED_REASON, null, time),
            previousState(previous),
            rule.map(AlarmEvents::configuration).orElse(null),
            rule.map(AlarmRule::labels).orElse(null),
            rule.map(AlarmRule::runbook).orElse(null));
    return AlarmStateChange.of(transitionId, time, detail);
  }

  private static AlarmStateChange.State previousState(AlarmInstanceState previous) {
    return new AlarmStateChange.State(
        previous.state(),
        previous.reason(),
        previous.reasonData(),
        previous.stateTimestampMillis() == 0
            ? null
            : Instant.ofEpochMilli(previous.stateTimestampMillis()));
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
