package io.tidewatch.model.metric;

import java.time.Instant;
import java.util.Objects;

/**
 * One datapoint of one series as it travels on {@code tw.metrics}. The value is finite: NaN and
 * infinities are rejected at ingest, so a missing value is always an absent point, never NaN.
 *
 * @param unit the unit as sent (UCUM, e.g. {@code %} or {@code ms}); empty when unknown
 */
public record MetricPoint(SeriesId series, Instant timestamp, double value, String unit) {

  public MetricPoint {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(timestamp, "timestamp");
    unit = unit == null ? "" : unit;
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric value must be finite, got " + value);
    }
  }
}
