package io.tidewatch.rules.alarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.rules.Statistic;
import java.util.Base64;
import java.util.OptionalDouble;

/**
 * The statistics of the samples of one period, mergeable so that partial aggregates (per series,
 * per task) combine into the alarm's datapoint. {@code SampleCount}, {@code Sum}, {@code Minimum},
 * {@code Maximum} and {@code Average} are exact; percentiles come from {@link #sketch()}, a
 * mergeable sketch within 1% relative error (RULES.md section 2).
 *
 * <p>The sketch is kept only where a percentile is needed: {@link #of(double, Statistic)} and
 * {@link #empty(Statistic)} start one for a percentile statistic, {@link #of(double)} and {@link
 * #empty()} do not (exact statistics only, as before percentiles existed). An aggregate without a
 * sketch has no percentile value; merging an aggregate that has samples but no sketch into one with
 * a sketch drops the sketch, because the percentile would no longer cover every sample.
 *
 * <p>As JSON (Jackson, record components): {@code {"count":..,"sum":..,"min":..,"max":..}} plus
 * {@code "sketch":"<base64>"} only when there is a sketch, so aggregates stored before percentiles
 * existed read back unchanged.
 *
 * @param sketch the samples' quantile sketch, or null when no percentile is kept
 */
public record Aggregate(
    long count,
    double sum,
    double min,
    double max,
    @JsonInclude(JsonInclude.Include.NON_NULL) PercentileSketch sketch) {

  private static final Aggregate EMPTY =
      new Aggregate(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null);

  public Aggregate {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, found " + count);
    }
  }

  /** Exact statistics only, without a sketch. */
  public Aggregate(long count, double sum, double min, double max) {
    this(count, sum, min, max, null);
  }

  /** No samples, no sketch; the identity of {@link #merge(Aggregate)}. */
  public static Aggregate empty() {
    return EMPTY;
  }

  /** No samples, with a sketch when {@code statistic} is a percentile. */
  public static Aggregate empty(Statistic statistic) {
    return statistic instanceof Statistic.Percentile
        ? new Aggregate(
            0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, PercentileSketch.empty())
        : EMPTY;
  }

  /** One sample, without a sketch; a NaN sample is no sample. */
  public static Aggregate of(double value) {
    return Double.isNaN(value) ? EMPTY : new Aggregate(1, value, value, value, null);
  }

  /**
   * One sample, with a sketch when {@code statistic} is a percentile: what an alarm with that
   * statistic aggregates. A NaN sample is no sample.
   */
  public static Aggregate of(double value, Statistic statistic) {
    return empty(statistic).add(value);
  }

  /**
   * The samples of a distribution point (an OTLP histogram or summary), as an alarm with {@code
   * statistic} aggregates them: the exact statistic set, plus the point's sketch when the statistic
   * is a percentile. A distribution without a usable sketch (none sent, an encoding this sketch
   * cannot merge, or a sample count that disagrees) gives an aggregate without one, so it answers
   * no percentile rather than a wrong one.
   */
  public static Aggregate of(Distribution distribution, Statistic statistic) {
    PercentileSketch sketch = null;
    if (statistic instanceof Statistic.Percentile) {
      sketch = sketchOf(distribution);
    }
    return new Aggregate(
        distribution.count(), distribution.sum(), distribution.min(), distribution.max(), sketch);
  }

  private static PercentileSketch sketchOf(Distribution distribution) {
    byte[] encoded = distribution.sketch();
    if (encoded.length == 0) {
      return null;
    }
    try {
      PercentileSketch sketch =
          PercentileSketch.fromBase64(Base64.getEncoder().encodeToString(encoded));
      return sketch.count() == distribution.count() ? sketch : null;
    } catch (IllegalArgumentException notMergeable) {
      return null;
    }
  }

  /** This aggregate with one more sample; a NaN sample is ignored. */
  public Aggregate add(double value) {
    if (Double.isNaN(value)) {
      return this;
    }
    return new Aggregate(
        count + 1,
        sum + value,
        Math.min(min, value),
        Math.max(max, value),
        sketch == null ? null : sketch.add(value));
  }

  /**
   * The aggregate of both aggregates' samples. The result keeps a sketch when both sides have one,
   * or when the side without one has no samples.
   */
  public Aggregate merge(Aggregate other) {
    if (other.count == 0 && other.sketch == null) {
      return this;
    }
    if (count == 0 && sketch == null) {
      return other;
    }
    PercentileSketch merged;
    if (sketch != null && other.sketch != null) {
      merged = sketch.merge(other.sketch);
    } else if (sketch != null) {
      merged = other.count == 0 ? sketch : null;
    } else {
      merged = count == 0 ? other.sketch : null;
    }
    return new Aggregate(
        count + other.count,
        sum + other.sum,
        Math.min(min, other.min),
        Math.max(max, other.max),
        merged);
  }

  /**
   * The statistic's value, or empty when there were no samples (a period without samples has no
   * datapoint, not a zero) or the statistic is a percentile and this aggregate keeps no sketch.
   * {@code p0} and {@code p100} are the exact minimum and maximum; other percentiles come from the
   * sketch, kept within the exact minimum and maximum.
   */
  public OptionalDouble value(Statistic statistic) {
    if (count == 0) {
      return OptionalDouble.empty();
    }
    if (statistic instanceof Statistic.Percentile percentile) {
      return percentile(percentile.p());
    }
    Statistic.Basic basic = (Statistic.Basic) statistic;
    return OptionalDouble.of(
        switch (basic.kind()) {
          case Average -> sum / count;
          case Sum -> sum;
          case Minimum -> min;
          case Maximum -> max;
          case SampleCount -> count;
        });
  }

  private OptionalDouble percentile(double p) {
    if (p == 0) {
      return OptionalDouble.of(min);
    }
    if (p == 100) {
      return OptionalDouble.of(max);
    }
    if (sketch == null || sketch.count() != count) {
      return OptionalDouble.empty();
    }
    double value = sketch.quantile(p / 100);
    return OptionalDouble.of(Math.max(min, Math.min(max, value)));
  }
}
