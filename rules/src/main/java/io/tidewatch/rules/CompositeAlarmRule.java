package io.tidewatch.rules;

import java.util.Map;
import java.util.Objects;

/**
 * A composite alarm (RULES.md section 1, {@code compositeAlarms:}): ALARM while its rule over other
 * alarms' states is true, OK while it is false; INSUFFICIENT_DATA only from its creation until its
 * first evaluation, as in CloudWatch. Evaluate it with {@link
 * io.tidewatch.rules.alarm.CompositeEvaluator}.
 *
 * @param rule the rule as written
 * @param expression the parsed rule
 * @param runbook a link for people paged by the alarm, or null
 */
public record CompositeAlarmRule(
    String name,
    String description,
    String rule,
    AlarmExpression expression,
    AlarmActions actions,
    Map<String, String> labels,
    String runbook) {

  public CompositeAlarmRule {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(expression, "expression");
    actions = actions == null ? AlarmActions.none() : actions;
    labels = MetricSelector.sortedCopy(labels);
  }

  /** A composite alarm with only a name, a rule and actions; the rule is parsed here. */
  public static CompositeAlarmRule of(String name, String rule, AlarmActions actions) {
    return new CompositeAlarmRule(
        name, "", rule, AlarmExpression.parse(rule), actions, Map.of(), null);
  }
}
