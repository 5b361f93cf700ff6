package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.MathMetric;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.AlarmDatapoints;
import io.tidewatch.rules.alarm.AlarmEvaluator;
import io.tidewatch.rules.alarm.AnomalyModel;
import io.tidewatch.rules.alarm.Evaluation;
import io.tidewatch.rules.alarm.PeriodDatapoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One alarm instance run through a test: its per-period aggregates and every evaluation, at each
 * period end from its creation up to the test's horizon, as the processor would evaluate them with
 * complete data. An alarm without {@code groupBy} exists from the moment it is applied (in a test:
 * from t = 0), data or not; a {@code groupBy} instance from the period of its first sample
 * (RULES.md section 2, "Lifetime").
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

  /** The metric of a plain alarm in {@link #byMetric}; metric-math alarms use their ids. */
  static final String PLAIN = AlarmDatapoints.PLAIN;

  private final Map<String, NavigableMap<Long, Aggregate>> byMetric;
  private final long firstPeriod;
  private final List<Step> steps = new ArrayList<>();
  private final Map<Long, AnomalyModel.Band> bands = new HashMap<>();

  private AlarmTimeline(
      AlarmRule rule,
      String instanceId,
      Map<String, NavigableMap<Long, Aggregate>> byMetric,
      long firstPeriod) {
    this.rule = rule;
    this.instanceId = instanceId;
    this.byMetric = byMetric;
    this.firstPeriod = firstPeriod;
  }

  /**
   * The start of the first period an instance is evaluated for: that of its creation for an alarm
   * without {@code groupBy} (or of an earlier sample, when one is replayed from before it), that of
   * its first sample for a {@code groupBy} instance.
   *
   * @throws IllegalArgumentException when a {@code groupBy} instance has no sample
   */
  private static long firstPeriod(
      AlarmRule rule, Map<String, NavigableMap<Long, Aggregate>> byMetric, long createdAtMillis) {
    long period = rule.period().toMillis();
    java.util.OptionalLong firstSample =
        byMetric.values().stream()
            .filter(periods -> !periods.isEmpty())
            .mapToLong(NavigableMap::firstKey)
            .min();
    if (!rule.groupBy().isEmpty()) {
      return firstSample.orElseThrow(
          () -> new IllegalArgumentException("a groupBy instance exists from its first sample"));
    }
    long created = Math.floorDiv(createdAtMillis, period) * period;
    return firstSample.isPresent() ? Math.min(created, firstSample.getAsLong()) : created;
  }

  /**
   * Evaluates every period ending at or before {@code horizonMillis}, in order.
   *
   * @param byMetric the instance's aggregates by metric ({@link #PLAIN} for a plain alarm, the ids
   *     of a metric-math alarm) and period start (epoch millis); at least one in all for a {@code
   *     groupBy} instance, possibly none for an alarm without {@code groupBy}
   * @param createdAtMillis when an alarm without {@code groupBy} was applied (0 in a rule test, the
   *     start of the replay in a backtest); not used for a {@code groupBy} instance
   * @throws IllegalArgumentException when that is more than {@link #MAX_EVALUATIONS}
   */
  static AlarmTimeline run(
      AlarmRule rule,
      String instanceId,
      Map<String, NavigableMap<Long, Aggregate>> byMetric,
      long createdAtMillis,
      long horizonMillis) {
    Map<String, NavigableMap<Long, Aggregate>> copy = new LinkedHashMap<>();
    byMetric.forEach((metric, periods) -> copy.put(metric, new TreeMap<>(periods)));
    AlarmTimeline timeline =
        new AlarmTimeline(rule, instanceId, copy, firstPeriod(rule, copy, createdAtMillis));
    long period = rule.period().toMillis();
    long firstEnd = timeline.firstPeriod + period;
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
    if (rule.hasAnomalyBand()) {
      timeline.learnBands(horizonMillis);
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

  /** A plain alarm's instance in a rule test: its aggregates by period start. */
  static AlarmTimeline run(
      AlarmRule rule,
      String instanceId,
      NavigableMap<Long, Aggregate> periods,
      long horizonMillis) {
    return run(rule, instanceId, Map.of(PLAIN, periods), 0L, horizonMillis);
  }

  /**
   * The band of every period from the first to the horizon: the instance's {@link AnomalyModel}
   * learns its datapoints in time order, and each period gets the band learned before it.
   */
  private void learnBands(long horizonMillis) {
    long period = rule.period().toMillis();
    long end = Math.floorDiv(horizonMillis, period) * period;
    List<Double> values = values(firstPeriod, Math.max(end, firstPeriod + period));
    AnomalyModel model = AnomalyModel.empty();
    for (int i = 0; i < values.size(); i++) {
      long start = firstPeriod + i * period;
      model.band(rule.anomalyBand()).ifPresent(band -> bands.put(start, band));
      if (values.get(i) != null) {
        model = model.learn(values.get(i));
      }
    }
  }

  /** The evaluation range ending at {@code end}, oldest first, as the processor builds it. */
  private List<PeriodDatapoint> range(long end) {
    long period = rule.period().toMillis();
    long first = end - rule.evaluationRange() * period;
    List<Double> values = values(first, end);
    List<PeriodDatapoint> range = new ArrayList<>(rule.evaluationRange());
    for (int i = 0; i < values.size(); i++) {
      long start = first + i * period;
      range.add(new PeriodDatapoint(Instant.ofEpochMilli(start), values.get(i), bands.get(start)));
    }
    return range;
  }

  /**
   * The alarm's datapoints of the periods from {@code first} to before {@code end}, as the stream
   * processor computes them ({@link AlarmDatapoints#between}).
   */
  private List<Double> values(long first, long end) {
    return AlarmDatapoints.between(rule, byMetric, first, end);
  }

  private Double statistic(String metric, Statistic statistic, long periodStart) {
    return AlarmDatapoints.statistic(byMetric.get(metric), statistic, periodStart);
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
  /** What the alarm computes: its statistic, or its expression and metrics. */
  private String source() {
    if (!rule.hasMetricMath()) {
      return rule.statistic().label();
    }
    StringBuilder metrics = new StringBuilder();
    rule.metricMath()
        .metrics()
        .forEach(
            (id, metric) ->
                metrics
                    .append(metrics.length() == 0 ? "" : ", ")
                    .append(id)
                    .append(": ")
                    .append(metric.statistic().label())
                    .append(" of ")
                    .append(metric.metric().namespace())
                    .append('/')
                    .append(metric.metric().name()));
    return "metric math " + rule.metricMath().expression() + " (" + metrics + ")";
  }

  private static String text(Double value) {
    return value == null ? "missing" : value.toString();
  }

  @Override
  public String describe(long t) {
    StringBuilder out = new StringBuilder();
    out.append(instanceId)
        .append(": ")
        .append(source())
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
    long lastEnd = last == null ? firstPeriod + period : last.end();
    long first = Math.min(firstPeriod, lastEnd - rule.evaluationRange() * period);
    int shown = 60;
    long totalPeriods = (lastEnd - first) / period;
    out.append("  datapoints (period start → ")
        .append(rule.hasMetricMath() ? rule.metricMath().expression() : rule.statistic().label())
        .append(") up to ")
        .append(TestTimes.format(t))
        .append(":\n");
    if (totalPeriods > shown) {
      out.append("    ... ").append(totalPeriods - shown).append(" earlier periods\n");
      first = lastEnd - shown * period;
    }
    List<Double> values = values(first, lastEnd);
    for (int i = 0; i < values.size(); i++) {
      long start = first + i * period;
      out.append("    ").append(TestTimes.format(start)).append(" → ").append(text(values.get(i)));
      AnomalyModel.Band band = bands.get(start);
      if (rule.hasAnomalyBand()) {
        out.append(
            band == null
                ? " (no band yet)"
                : " (band " + band.lower() + " .. " + band.upper() + ")");
      }
      if (rule.hasMetricMath()) {
        StringBuilder inputs = new StringBuilder();
        for (Map.Entry<String, MathMetric> metric : rule.metricMath().metrics().entrySet()) {
          inputs
              .append(inputs.length() == 0 ? "" : ", ")
              .append(metric.getKey())
              .append('=')
              .append(text(statistic(metric.getKey(), metric.getValue().statistic(), start)));
        }
        out.append(" (").append(inputs).append(')');
      }
      out.append('\n');
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
          .append(TestTimes.format(firstPeriod + period))
          .append(
              rule.groupBy().isEmpty()
                  ? ", the end of the period it was created in\n"
                  : ", the end of the period of its first sample\n");
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
