package io.tidewatch.rules.alarm;

import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.MathMetric;
import io.tidewatch.rules.Statistic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;

/**
 * An alarm's datapoints over consecutive periods, from the aggregates of its inputs: the statistic
 * of a plain alarm, or the metric-math expression over each metric's statistic. The one place that
 * turns aggregates into datapoints, shared by {@code rules test}, {@code rules backtest} and the
 * stream processor, so that they cannot disagree.
 */
public final class AlarmDatapoints {

  /** The input key of a plain alarm's aggregates; a metric-math alarm's inputs are its ids. */
  public static final String PLAIN = "";

  private AlarmDatapoints() {}

  /**
   * The datapoints of the periods starting at {@code first}, {@code first + period}, ... before
   * {@code end}, oldest first, null where there is none. A metric-math expression is evaluated over
   * exactly these periods, so {@code FILL(m, REPEAT)} looks back only within them.
   *
   * @param inputs the aggregates by input ({@link #PLAIN}, or the metric ids of a metric-math
   *     alarm) and period start; an input without aggregates may be absent
   */
  public static List<Double> between(
      AlarmRule rule,
      Map<String, ? extends NavigableMap<Long, Aggregate>> inputs,
      long first,
      long end) {
    long period = rule.period().toMillis();
    List<Double> values = new ArrayList<>();
    if (!rule.hasMetricMath()) {
      NavigableMap<Long, Aggregate> periods = inputs.get(PLAIN);
      for (long start = first; start < end; start += period) {
        values.add(statistic(periods, rule.statistic(), start));
      }
      return values;
    }
    List<Map<String, Double>> rows = new ArrayList<>();
    for (long start = first; start < end; start += period) {
      Map<String, Double> row = new HashMap<>();
      for (Map.Entry<String, MathMetric> metric : rule.metricMath().metrics().entrySet()) {
        row.put(
            metric.getKey(),
            statistic(inputs.get(metric.getKey()), metric.getValue().statistic(), start));
      }
      rows.add(row);
    }
    return MetricMathEvaluator.evaluate(rule.metricMath(), rows);
  }

  /** The statistic of the period starting at {@code periodStart}, or null without samples. */
  public static Double statistic(
      NavigableMap<Long, Aggregate> periods, Statistic statistic, long periodStart) {
    Aggregate aggregate = periods == null ? null : periods.get(periodStart);
    if (aggregate == null) {
      return null;
    }
    OptionalDouble value = aggregate.value(statistic);
    return value.isPresent() ? value.getAsDouble() : null;
  }

  /**
   * The statistic an input of {@code rule} aggregates its samples for: the alarm's own for {@link
   * #PLAIN}, the metric's for a metric-math id.
   *
   * @throws IllegalArgumentException when {@code input} is not an input of the rule
   */
  public static Statistic statisticOf(AlarmRule rule, String input) {
    if (!rule.hasMetricMath()) {
      if (!PLAIN.equals(input)) {
        throw new IllegalArgumentException(rule.name() + " has no metric math input " + input);
      }
      return rule.statistic();
    }
    MathMetric metric = rule.metricMath().metrics().get(input);
    if (metric == null) {
      throw new IllegalArgumentException(
          rule.name()
              + " has no metric '"
              + input
              + "' in "
              + rule.metricMath().metrics().keySet());
    }
    return metric.statistic();
  }
}
