package io.tidewatch.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A metric-math alarm's metrics and expression (RULES.md section 1: {@code metrics:} and {@code
 * expression:}). The alarm's datapoint for a period is the expression's value there, computed by
 * {@link io.tidewatch.rules.alarm.MetricMathEvaluator} from each metric's statistic over that
 * period (of the series the metric selects, split by the alarm's groupBy like a plain alarm's).
 *
 * @param metrics by id, in the order written
 * @param expression the expression as written
 * @param parsed the parsed expression; it uses only ids of {@link #metrics()}
 */
public record MetricMath(
    Map<String, MathMetric> metrics, String expression, MathExpression parsed) {

  public MetricMath {
    Objects.requireNonNull(metrics, "metrics");
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("metric math needs at least one metric");
    }
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(parsed, "parsed");
    for (String id : parsed.metricIds()) {
      if (!metrics.containsKey(id)) {
        throw new IllegalArgumentException(
            "the expression uses '"
                + id
                + "', which is not one of the metrics "
                + metrics.keySet());
      }
    }
  }

  /** Metric math from its metrics and the expression's text, parsed here. */
  public static MetricMath of(Map<String, MathMetric> metrics, String expression) {
    return new MetricMath(metrics, expression, MathExpression.parse(expression, metrics.keySet()));
  }
}
