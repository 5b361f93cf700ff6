package io.tidewatch.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.util.Arrays;

/**
 * An OTLP explicit-bucket histogram point: bucket {@code i} holds the samples in {@code
 * (bounds[i-1], bounds[i]]}, the first one from minus infinity, the last one to plus infinity.
 */
record ExplicitBucketCounts(
    long count,
    double sum,
    double min,
    double max,
    boolean exactMinMax,
    double[] bounds,
    long[] counts)
    implements BucketCounts {

  /** The point's counts, or an exception naming what is inconsistent. */
  static ExplicitBucketCounts of(HistogramDataPoint point) {
    double[] bounds =
        point.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray();
    long[] counts = point.getBucketCountsList().stream().mapToLong(Long::longValue).toArray();
    if (counts.length != 0 && counts.length != bounds.length + 1) {
      throw new IllegalArgumentException(
          counts.length
              + " bucket counts for "
              + bounds.length
              + " explicit bounds (expected "
              + (bounds.length + 1)
              + ")");
    }
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException("explicit bounds are not strictly increasing");
      }
    }
    long total = 0;
    for (long bucket : counts) {
      if (bucket < 0) {
        throw new IllegalArgumentException("a bucket count above 2^63");
      }
      total += bucket;
    }
    if (point.getCount() < 0 || (counts.length > 0 && total != point.getCount())) {
      throw new IllegalArgumentException(
          "count "
              + Long.toUnsignedString(point.getCount())
              + " is not the sum of the bucket counts");
    }
    if (counts.length == 0) {
      bounds = new double[0];
      counts = new long[] {point.getCount()};
    }
    return new ExplicitBucketCounts(
        point.getCount(),
        point.hasSum() ? point.getSum() : Double.NaN,
        point.hasMin() ? point.getMin() : Double.NaN,
        point.hasMax() ? point.getMax() : Double.NaN,
        true,
        bounds,
        counts);
  }

  /**
   * This cumulative point minus an earlier one of the same stream, or null when it cannot follow it
   * (other bounds, or a count that went down). The difference keeps this point's min and max as
   * bounds only.
   */
  ExplicitBucketCounts minus(ExplicitBucketCounts earlier) {
    if (!Arrays.equals(bounds, earlier.bounds) || count < earlier.count) {
      return null;
    }
    long[] delta = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      delta[i] = counts[i] - earlier.counts[i];
      if (delta[i] < 0) {
        return null;
      }
    }
    return new ExplicitBucketCounts(
        count - earlier.count, sum - earlier.sum, min, max, false, bounds, delta);
  }

  @Override
  public void forEachBucket(BucketVisitor visitor) {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        double low = i == 0 ? Double.NEGATIVE_INFINITY : bounds[i - 1];
        double high = i == bounds.length ? Double.POSITIVE_INFINITY : bounds[i];
        visitor.bucket(low, high, counts[i]);
      }
    }
  }
}
