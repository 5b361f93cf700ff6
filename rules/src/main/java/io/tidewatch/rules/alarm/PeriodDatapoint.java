package io.tidewatch.rules.alarm;

import java.time.Instant;
import java.util.Objects;

/**
 * The alarm's datapoint for one period.
 *
 * @param periodStart the start of the period, {@code k * period} in UTC epoch time
 * @param value the statistic over the period, or null when the period has no data; NaN counts as no
 *     data too
 */
public record PeriodDatapoint(Instant periodStart, Double value) {

  public PeriodDatapoint {
    Objects.requireNonNull(periodStart, "periodStart");
  }

  public static PeriodDatapoint missing(Instant periodStart) {
    return new PeriodDatapoint(periodStart, null);
  }

  /** Whether the period has a real datapoint (a value that is not NaN). */
  public boolean isPresent() {
    return value != null && !value.isNaN();
  }
}
