package io.tidewatch.rules;

import java.util.Objects;

/**
 * One metric of a metric-math alarm's {@code metrics:}: the series it selects and the statistic
 * computed over each period of them.
 */
public record MathMetric(MetricSelector metric, Statistic statistic) {

  public MathMetric {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(statistic, "statistic");
  }
}
