package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.AlarmEvaluator;
import io.tidewatch.rules.alarm.Evaluation;
import io.tidewatch.rules.alarm.PeriodDatapoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One alarm instance run through a test: its per-period aggregates and every evaluation, at each
 * period end from the end of the period of its first sample (when the stream processor creates the
 * instance) up to the test's horizon, as the processor would evaluate them with complete data.
 */
final class AlarmTimeline implements Timeline {

  /** Evaluations beyond this in one instance mean a mistaken {@code at}, e.g. {@code 1000d}. */
  static final int MAX_EVALUATIONS = 1_000_000;

  /**
   * @param actions the actions of the new state when the state changed, else empty
   */
  record Step(long end, AlarmState before, Evaluation evaluation, List<String> actions) {}

  private final AlarmRule rule;
  private final String instanceId;
  private final NavigableMap<Long, Aggregate> periods;
  private final List<Step> steps = new ArrayList<>();

  private AlarmTimeline(AlarmRule rule, String instanceId, NavigableMap<Long, Aggregate> periods) {
    this.rule = rule;
    this.instanceId = instanceId;
    this.periods = periods;
  }

  /**
   * Evaluates every period ending at or before {@code horizonMillis}, in order.
   *
   * @param periods the instance's aggregates by period start (epoch millis), at least one
   * @throws IllegalArgumentException when that is more than {@link #MAX_EVALUATIONS}
   */
  static AlarmTimeline run(
      AlarmRule rule,
      String instanceId,
      NavigableMap<Long, Aggregate> periods,
      long horizonMillis) {
    AlarmTimeline timeline = new AlarmTimeline(rule, instanceId, new TreeMap<>(periods));
    long period = rule.period().toMillis();
    long firstEnd = periods.firstKey() + period;
    if (horizonMillis >= firstEnd && (horizonMillis - firstEnd) / period >= MAX_EVALUATIONS) {
      throw new IllegalArgumentException(
          "evaluating "
              + instanceId
              + " up to "
              + TestTimes.format(horizonMillis)
              + " takes more than "
              + MAX_EVALUATIONS
              + " evaluations; use a nearer 'at'");
    }
    AlarmState state = AlarmState.INSUFFICIENT_DATA;
    for (long end = firstEnd; end <= horizonMillis; end += period) {
      Evaluation evaluation =
          AlarmEvaluator.evaluate(rule, timeline.range(end), state, Instant.ofEpochMilli(end));
      List<String> actions =
          evaluation.state() != state ? rule.actions().forState(evaluation.state()) : List.of();
      timeline.steps.add(new Step(end, state, evaluation, actions));
      state = evaluation.state();
    }
    return timeline;
  }

  /** The evaluation range ending at {@code end}, oldest first, as the processor builds it. */
  private List<PeriodDatapoint> range(long end) {
    long period = rule.period().toMillis();
    List<PeriodDatapoint> range = new ArrayList<>(rule.evaluationRange());
    for (int back = rule.evaluationRange(); back >= 1; back--) {
      long start = end - back * period;
      range.add(new PeriodDatapoint(Instant.ofEpochMilli(start), value(start)));
    }
    return range;
  }

  private Double value(long periodStart) {
    Aggregate aggregate = periods.get(periodStart);
    if (aggregate == null) {
      return null;
    }
    OptionalDouble value = aggregate.value(rule.statistic());
    return value.isPresent() ? value.getAsDouble() : null;
  }

  AlarmRule rule() {
    return rule;
  }

  String instanceId() {
    return instanceId;
  }

  /** The state once every period ending at or before {@code t} was evaluated. */
  @Override
  public AlarmState stateAt(long t) {
    Step last = lastStepAt(t);
    return last == null ? AlarmState.INSUFFICIENT_DATA : last.evaluation().state();
  }

  @Override
  public List<String> actionsAt(long t) {
    for (Step step : steps) {
      if (step.end() == t) {
        return step.actions();
      }
    }
    return List.of();
  }

  private Step lastStepAt(long t) {
    Step last = null;
    for (Step step : steps) {
      if (step.end() > t) {
        break;
      }
      last = step;
    }
    return last;
  }

  @Override
  public List<String> firingTimes(String action) {
    return steps.stream()
        .filter(step -> step.actions().contains(action))
        .map(step -> TestTimes.format(step.end()) + " (→ " + step.evaluation().state() + ")")
        .toList();
  }

  /** Whether the instance was evaluated at or before {@code t}: it exists for composites then. */
  boolean evaluatedBy(long t) {
    return !steps.isEmpty() && steps.get(0).end() <= t;
  }

  /** The evaluations that changed the state, oldest first. */
  List<Step> transitions() {
    return steps.stream().filter(step -> step.evaluation().state() != step.before()).toList();
  }

  /** The period ends at which the instance was evaluated. */
  List<Long> evaluationTimes() {
    return steps.stream().map(Step::end).toList();
  }

  /** What the alarm saw up to {@code t}: its datapoints, transitions and last reason. */
  @Override
  public String describe(long t) {
    StringBuilder out = new StringBuilder();
    out.append(instanceId)
        .append(": ")
        .append(rule.statistic().label())
        .append(" per ")
        .append(TestTimes.format(rule.period()))
        .append(", ")
        .append(rule.comparison().name())
        .append(' ')
        .append(rule.threshold())
        .append(", ")
        .append(rule.datapointsToAlarm())
        .append(" of ")
        .append(rule.evaluationPeriods())
        .append(" datapoints, range ")
        .append(rule.evaluationRange())
        .append(", treatMissingData ")
        .append(rule.treatMissingData())
        .append('\n');
    Step last = lastStepAt(t);
    long period = rule.period().toMillis();
    long lastEnd = last == null ? periods.firstKey() + period : last.end();
    long first = Math.min(periods.firstKey(), lastEnd - rule.evaluationRange() * period);
    int shown = 60;
    long totalPeriods = (lastEnd - first) / period;
    out.append("  datapoints (period start → ")
        .append(rule.statistic().label())
        .append(") up to ")
        .append(TestTimes.format(t))
        .append(":\n");
    if (totalPeriods > shown) {
      out.append("    ... ").append(totalPeriods - shown).append(" earlier periods\n");
      first = lastEnd - shown * period;
    }
    for (long start = first; start < lastEnd; start += period) {
      Double value = value(start);
      out.append("    ")
          .append(TestTimes.format(start))
          .append(" → ")
          .append(value == null ? "missing" : value.toString())
          .append('\n');
    }
    List<Step> transitions =
        steps.stream().filter(step -> step.end() <= t && step.evaluation().changed()).toList();
    out.append("  transitions:");
    if (transitions.isEmpty()) {
      out.append(" none (").append(AlarmState.INSUFFICIENT_DATA).append(" since creation)");
    }
    out.append('\n');
    for (Step step : transitions) {
      out.append("    ")
          .append(TestTimes.format(step.end()))
          .append(' ')
          .append(step.before())
          .append(" → ")
          .append(step.evaluation().state());
      if (!step.actions().isEmpty()) {
        out.append(" actions ").append(step.actions());
      }
      out.append('\n');
    }
    if (last == null) {
      out.append("  not evaluated by ")
          .append(TestTimes.format(t))
          .append(": the first evaluation is at ")
          .append(TestTimes.format(periods.firstKey() + period))
          .append(", the end of the period of its first sample\n");
    } else {
      out.append("  evaluation at ")
          .append(TestTimes.format(last.end()))
          .append(": ")
          .append(last.evaluation().reason())
          .append('\n');
    }
    return out.toString();
  }
}
