package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.AlarmRule;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code tidewatch-cardinality-limit} signal on {@code tw.alarm-events}: an alarm instance per
 * limited alarm ({@code tidewatch-cardinality-limit{alarm=web-cpu-high}}) that goes to ALARM when
 * the alarm first refuses a new instance under its {@code maxInstances}. It is an ordinary
 * CloudWatch-shaped event (like the action workers' {@code tidewatch-action-failed}), so the
 * console shows it; no rule of that name exists, so it runs no alarm's actions. Its transition id
 * depends only on the alarm and the limit: a repeat (e.g. after a restart) is the same transition.
 */
final class CardinalityLimitEvent {

  static final String ALARM_NAME = "tidewatch-cardinality-limit";

  private CardinalityLimitEvent() {}

  static String instanceId(String alarm) {
    return ALARM_NAME + "{alarm=" + alarm + "}";
  }

  static AlarmStateChange of(AlarmRule rule, String refusedInstance, Instant time) {
    String instance = instanceId(rule.name());
    String reason =
        "Cardinality limit reached: alarm "
            + rule.name()
            + " evaluates at most "
            + rule.maxInstances()
            + " instances (maxInstances); new instances such as "
            + refusedInstance
            + " are not evaluated, their datapoints are counted in "
            + InstanceCensus.SENSOR;
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            ALARM_NAME,
            instance,
            Map.of("alarm", rule.name()),
            new AlarmStateChange.State(AlarmState.ALARM, reason, null, time),
            new AlarmStateChange.State(AlarmState.OK, null, null, null),
            null,
            Map.of(
                "severity",
                "warning",
                "source",
                "tidewatch",
                "alarm",
                rule.name(),
                "maxInstances",
                String.valueOf(rule.maxInstances())),
            rule.runbook());
    return AlarmStateChange.of(
        AlarmEvaluatorProcessor.transitionId(instance, rule.maxInstances(), AlarmState.ALARM),
        time,
        detail);
  }
}
