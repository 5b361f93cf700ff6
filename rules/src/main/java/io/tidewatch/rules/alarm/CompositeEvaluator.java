package io.tidewatch.rules.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmExpression;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates composite alarms with CloudWatch's semantics: a composite alarm is ALARM when its rule
 * is true and OK when it is false. It is INSUFFICIENT_DATA only between its creation and its first
 * evaluation ("for a composite alarm, this initial time after creation is the only time that the
 * alarm can be in INSUFFICIENT_DATA state"), which happens at once, so {@link #evaluate} never
 * returns INSUFFICIENT_DATA. The rule sees INSUFFICIENT_DATA like any other state: {@code
 * INSUFFICIENT_DATA("x")} is true while x is in it, and {@code ALARM("x")} and {@code OK("x")} are
 * false.
 *
 * <p>Re-evaluate a composite whenever an alarm it names changes state (and once when it is
 * created); its actions run on its own transitions, as a metric alarm's do. Pure: the stream
 * processor and {@code tidewatch rules test} call the same methods.
 */
public final class CompositeEvaluator {

  private CompositeEvaluator() {}

  /**
   * The composite's state given the states of the alarms its rule names.
   *
   * @param states by the names as written in the rule (an alarm, a composite alarm, or an instance
   *     id such as {@code web-cpu-high{host=a}}); a name without a state is INSUFFICIENT_DATA, as a
   *     new alarm is (for an alarm with groupBy, pass {@link #rollUp} of its instances)
   * @return ALARM or OK
   */
  public static AlarmState evaluate(AlarmExpression rule, Map<String, AlarmState> states) {
    return isTrue(rule, states) ? AlarmState.ALARM : AlarmState.OK;
  }

  /** Whether the rule holds for these states. */
  public static boolean isTrue(AlarmExpression rule, Map<String, AlarmState> states) {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(states, "states");
    if (rule instanceof AlarmExpression.StateIs stateIs) {
      return states.getOrDefault(stateIs.alarm(), AlarmState.INSUFFICIENT_DATA) == stateIs.state();
    } else if (rule instanceof AlarmExpression.Constant constant) {
      return constant.value();
    } else if (rule instanceof AlarmExpression.And and) {
      return isTrue(and.left(), states) && isTrue(and.right(), states);
    } else if (rule instanceof AlarmExpression.Or or) {
      return isTrue(or.left(), states) || isTrue(or.right(), states);
    } else {
      return !isTrue(((AlarmExpression.Not) rule).operand(), states);
    }
  }

  /**
   * The state of an alarm with groupBy as a composite rule sees it when it names the alarm rather
   * than one instance (a Tidewatch extension; CloudWatch has no instances): ALARM when any instance
   * is in ALARM, OK when every instance is OK, INSUFFICIENT_DATA otherwise (no instance yet, or
   * some still without data and none in ALARM).
   */
  public static AlarmState rollUp(Collection<AlarmState> instanceStates) {
    if (instanceStates.contains(AlarmState.ALARM)) {
      return AlarmState.ALARM;
    }
    if (!instanceStates.isEmpty()
        && instanceStates.stream().allMatch(state -> state == AlarmState.OK)) {
      return AlarmState.OK;
    }
    return AlarmState.INSUFFICIENT_DATA;
  }

  /** A reason sentence for a composite's new state, e.g. for its state-change event. */
  public static String reason(AlarmExpression rule, AlarmState state) {
    return "Composite rule " + rule + " is " + (state == AlarmState.ALARM ? "TRUE" : "FALSE") + ".";
  }
}
