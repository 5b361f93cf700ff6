package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.CompositeAlarmRule;
import io.tidewatch.rules.alarm.CompositeEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A composite alarm run through a test: evaluated when it is created (at 0) and again at every time
 * an alarm was evaluated, with the states its rule names at that time; a transition fires the
 * actions of the new state.
 */
final class CompositeTimeline implements Timeline {

  /**
   * @param states the states the rule saw, by the names it uses
   */
  record Step(
      long at,
      AlarmState before,
      AlarmState after,
      Map<String, AlarmState> states,
      List<String> actions) {}

  private final CompositeAlarmRule rule;
  private final List<Step> steps = new ArrayList<>();
  private AlarmState state = AlarmState.INSUFFICIENT_DATA;

  CompositeTimeline(CompositeAlarmRule rule) {
    this.rule = rule;
  }

  /** Evaluates the composite at {@code t}, after every alarm it names was evaluated then. */
  void evaluate(long t, Map<String, AlarmState> states) {
    AlarmState next = CompositeEvaluator.evaluate(rule.expression(), states);
    List<String> actions = next != state ? rule.actions().forState(next) : List.of();
    steps.add(new Step(t, state, next, new LinkedHashMap<>(states), actions));
    state = next;
  }

  AlarmState current() {
    return state;
  }

  @Override
  public AlarmState stateAt(long t) {
    Step last = lastStepAt(t);
    return last == null ? AlarmState.INSUFFICIENT_DATA : last.after();
  }

  @Override
  public List<String> actionsAt(long t) {
    List<String> fired = new ArrayList<>();
    for (Step step : steps) {
      if (step.at() == t) {
        fired.addAll(step.actions());
      }
    }
    return fired;
  }

  @Override
  public List<String> firingTimes(String action) {
    return steps.stream()
        .filter(step -> step.actions().contains(action))
        .map(step -> TestTimes.format(step.at()) + " (→ " + step.after() + ")")
        .toList();
  }

  private Step lastStepAt(long t) {
    Step last = null;
    for (Step step : steps) {
      if (step.at() > t) {
        break;
      }
      last = step;
    }
    return last;
  }

  @Override
  public String describe(long t) {
    StringBuilder out = new StringBuilder();
    out.append(rule.name()).append(": composite alarm, rule ").append(rule.rule()).append('\n');
    Step last = lastStepAt(t);
    if (last != null) {
      out.append("  states its rule saw at ").append(TestTimes.format(last.at())).append(":\n");
      last.states()
          .forEach(
              (name, state) ->
                  out.append("    ").append(name).append(" → ").append(state).append('\n'));
    }
    out.append("  transitions:");
    List<Step> transitions =
        steps.stream().filter(step -> step.at() <= t && step.before() != step.after()).toList();
    if (transitions.isEmpty()) {
      out.append(" none");
    }
    out.append('\n');
    for (Step step : transitions) {
      out.append("    ")
          .append(TestTimes.format(step.at()))
          .append(' ')
          .append(step.before())
          .append(" → ")
          .append(step.after());
      if (!step.actions().isEmpty()) {
        out.append(" actions ").append(step.actions());
      }
      out.append('\n');
    }
    return out.toString();
  }
}
