package io.tidewatch.rules.alarm;

import io.tidewatch.rules.Statistic;
import java.util.OptionalDouble;

/**
 * The exact statistics of the samples of one period, mergeable so that partial aggregates (per
 * series, per task) combine into the alarm's datapoint.
 *
 * <p>Percentiles are not derivable from these four numbers; they arrive with the mergeable sketch
 * work (RULES.md section 2: at most 1% relative error), and until then {@link #value(Statistic)}
 * returns empty for them rather than a made-up number.
 */
public record Aggregate(long count, double sum, double min, double max) {

  private static final Aggregate EMPTY =
      new Aggregate(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

  public Aggregate {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, found " + count);
    }
  }

  /** No samples; the identity of {@link #merge(Aggregate)}. */
  public static Aggregate empty() {
    return EMPTY;
  }

  /** One sample; a NaN sample is no sample. */
  public static Aggregate of(double value) {
    return Double.isNaN(value) ? EMPTY : new Aggregate(1, value, value, value);
  }

  /** This aggregate with one more sample; a NaN sample is ignored. */
  public Aggregate add(double value) {
    if (Double.isNaN(value)) {
      return this;
    }
    return new Aggregate(count + 1, sum + value, Math.min(min, value), Math.max(max, value));
  }

  public Aggregate merge(Aggregate other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    return new Aggregate(
        count + other.count, sum + other.sum, Math.min(min, other.min), Math.max(max, other.max));
  }

  /**
   * The statistic's value, or empty when there were no samples (a period without samples has no
   * datapoint, not a zero) or the statistic is a percentile (not computed here yet, see above).
   */
  public OptionalDouble value(Statistic statistic) {
    if (count == 0 || !(statistic instanceof Statistic.Basic basic)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        switch (basic.kind()) {
          case Average -> sum / count;
          case Sum -> sum;
          case Minimum -> min;
          case Maximum -> max;
          case SampleCount -> count;
        });
  }
}
