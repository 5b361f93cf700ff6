package io.tidewatch.model.metric;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One datapoint of one series as it travels on {@code tw.metrics}. The value is finite: NaN and
 * infinities are rejected at ingest, so a missing value is always an absent point, never NaN.
 *
 * <p>A plain point carries one sample, its {@code value}. A distribution point (an OTLP histogram
 * or summary) carries the samples of its period in {@code distribution}; its {@code value} is then
 * their mean, for readers that only know plain values.
 *
 * @param unit the unit as sent (UCUM, e.g. {@code %} or {@code ms}); empty when unknown
 * @param distribution the period's samples for a distribution point; null for a plain point
 */
public record MetricPoint(
    SeriesId series,
    Instant timestamp,
    double value,
    String unit,
    @JsonInclude(JsonInclude.Include.NON_NULL) Distribution distribution) {

  public MetricPoint {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(timestamp, "timestamp");
    unit = unit == null ? "" : unit;
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric value must be finite, got " + value);
    }
  }

  /** A plain point: one sample. */
  public MetricPoint(SeriesId series, Instant timestamp, double value, String unit) {
    this(series, timestamp, value, unit, null);
  }

  /** A distribution point; its value is the samples' mean. */
  public static MetricPoint ofDistribution(
      SeriesId series, Instant timestamp, Distribution distribution, String unit) {
    Objects.requireNonNull(distribution, "distribution");
    return new MetricPoint(series, timestamp, distribution.mean(), unit, distribution);
  }
}
