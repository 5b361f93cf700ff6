package io.tidewatch.ingest.otlp;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import io.tidewatch.model.metric.Distribution;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds the {@link Distribution} (statistic set and percentile sketch) of a histogram's buckets or
 * a summary's quantiles.
 *
 * <p>A bucket only says how many samples fell in a range, so the samples are taken as spread evenly
 * over it (the linear interpolation Prometheus' {@code histogram_quantile} also assumes): a
 * percentile is then as exact as the bucket layout allows. Open-ended buckets are closed by the
 * point's min and max when it has them, else by their finite bound. Min and max are the point's own
 * when exact, otherwise the lowest and highest sample positions the buckets allow.
 *
 * <p>The sketch is the alarm engine's: DDSketch with a logarithmic mapping at relative accuracy
 * {@value #RELATIVE_ACCURACY} and {@value #MAX_BINS} bins per sign (rules' {@code
 * PercentileSketch}), so the two merge.
 */
final class DistributionBuilder {

  static final double RELATIVE_ACCURACY = 0.005;
  static final int MAX_BINS = 2048;

  /** How many evenly spaced positions a bucket's samples are spread over, at most. */
  static final int SPREAD = 16;

  private final DDSketch sketch = DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
  private final double maxIndexable = sketch.getIndexMapping().maxIndexableValue();
  private double lowest = Double.POSITIVE_INFINITY;
  private double highest = Double.NEGATIVE_INFINITY;
  private double sampleSum;

  private DistributionBuilder() {}

  /**
   * The distribution of a histogram point's samples.
   *
   * @throws IllegalArgumentException when the point has no samples or a non-finite sum, min or max
   */
  static Distribution of(BucketCounts buckets) {
    checkFinite("sum", buckets.sum());
    checkFinite("min", buckets.min());
    checkFinite("max", buckets.max());
    DistributionBuilder builder = new DistributionBuilder();
    double floor = Double.isNaN(buckets.min()) ? Double.NEGATIVE_INFINITY : buckets.min();
    double ceiling = Double.isNaN(buckets.max()) ? Double.POSITIVE_INFINITY : buckets.max();
    buckets.forEachBucket(
        (low, high, count) ->
            builder.spread(clamp(low, floor, ceiling), clamp(high, floor, ceiling), count));
    boolean exact =
        buckets.exactMinMax() && !Double.isNaN(buckets.min()) && !Double.isNaN(buckets.max());
    double min = exact ? buckets.min() : builder.lowest;
    double max = exact ? buckets.max() : builder.highest;
    double sum = Double.isNaN(buckets.sum()) ? builder.sampleSum : buckets.sum();
    return builder.build(buckets.count(), sum, min, max);
  }

  /**
   * The distribution of a summary point's samples: count and sum as sent, the sketch and min/max
   * from its quantiles (the mass between two quantiles spread evenly between their values). Without
   * quantiles there is no sketch, and min and max are the mean.
   *
   * @param quantiles quantile (0..1) and value pairs, ascending by quantile
   */
  static Distribution ofSummary(long count, double sum, double[][] quantiles) {
    checkFinite("sum", sum);
    if (count < 1) {
      throw new IllegalArgumentException("a summary without samples");
    }
    if (quantiles.length == 0) {
      double mean = sum / count;
      return new Distribution(count, sum, mean, mean, new byte[0]);
    }
    DistributionBuilder builder = new DistributionBuilder();
    double previousQuantile = 0;
    double previousValue = quantiles[0][1];
    for (double[] quantile : quantiles) {
      checkFinite("quantile value", quantile[1]);
      double mass = count * (quantile[0] - previousQuantile);
      if (mass > 0) {
        builder.spreadMass(previousValue, quantile[1], mass, true);
      }
      previousQuantile = quantile[0];
      previousValue = quantile[1];
    }
    if (previousQuantile < 1) {
      builder.spreadMass(previousValue, previousValue, count * (1 - previousQuantile), true);
    }
    return builder.build(count, sum, quantiles[0][1], quantiles[quantiles.length - 1][1]);
  }

  private Distribution build(long count, double sum, double min, double max) {
    if (count < 1) {
      throw new IllegalArgumentException("a histogram point without samples");
    }
    return new Distribution(count, sum, Math.min(min, max), Math.max(min, max), encode());
  }

  private void spread(double low, double high, long count) {
    if (Double.isInfinite(low)) {
      low = Double.isInfinite(high) ? 0 : high;
    }
    if (Double.isInfinite(high)) {
      high = low;
    }
    spreadMass(low, high, count, false);
  }

  /**
   * Adds {@code mass} samples spread evenly over {@code [low, high]}: centred in equal slices for a
   * bucket, or ending exactly on {@code high} for the mass below a summary's quantile, whose value
   * is exact.
   */
  private void spreadMass(double low, double high, double mass, boolean endOnHigh) {
    lowest = Math.min(lowest, low);
    highest = Math.max(highest, high);
    sampleSum += mass * (low + high) / 2;
    if (low == high) {
      accept(low, mass);
      return;
    }
    int positions = (int) Math.max(1, Math.min(SPREAD, Math.ceil(mass)));
    double weight = mass / positions;
    double step = (high - low) / positions;
    for (int i = 0; i < positions; i++) {
      accept(low + (i + (endOnHigh ? 1 : 0.5)) * step, weight);
    }
  }

  private void accept(double value, double weight) {
    sketch.accept(Math.max(-maxIndexable, Math.min(maxIndexable, value)), weight);
  }

  private byte[] encode() {
    GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
    try {
      sketch.encode(out, false);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding into memory does not fail", e);
    }
    return out.trimmedCopy();
  }

  private static double clamp(double value, double floor, double ceiling) {
    return Math.max(floor, Math.min(ceiling, value));
  }

  private static void checkFinite(String what, double value) {
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " " + value + " is not a finite number");
    }
  }
}
