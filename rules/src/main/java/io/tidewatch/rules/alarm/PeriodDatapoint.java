package io.tidewatch.rules.alarm;

import java.time.Instant;
import java.util.Objects;

/**
 * The alarm's datapoint for one period.
 *
 * @param periodStart the start of the period, {@code k * period} in UTC epoch time
 * @param value the statistic over the period, or null when the period has no data; NaN counts as no
 *     data too
 * @param band for an anomaly-band alarm, the band learned before this period, or null (and then the
 *     datapoint counts as missing for such an alarm: nothing to compare it with yet)
 */
public record PeriodDatapoint(Instant periodStart, Double value, AnomalyModel.Band band) {

  public PeriodDatapoint {
    Objects.requireNonNull(periodStart, "periodStart");
  }

  /** A datapoint of a threshold alarm, without a band. */
  public PeriodDatapoint(Instant periodStart, Double value) {
    this(periodStart, value, null);
  }

  public static PeriodDatapoint missing(Instant periodStart) {
    return new PeriodDatapoint(periodStart, null);
  }

  /** Whether the period has a real datapoint (a value that is not NaN). */
  public boolean isPresent() {
    return value != null && !value.isNaN();
  }
}
