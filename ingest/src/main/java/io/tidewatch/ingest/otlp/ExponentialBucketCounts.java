package io.tidewatch.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import java.util.List;

/**
 * An OTLP exponential histogram point: at scale {@code s} the base is {@code 2^(2^-s)}, positive
 * bucket {@code i} holds the samples in {@code (base^i, base^(i+1)]}, negative bucket {@code i}
 * their mirror image, and the zero bucket the samples whose magnitude is at most the zero
 * threshold.
 *
 * @param positive counts of the positive buckets from index {@code positiveOffset} on
 */
record ExponentialBucketCounts(
    long count,
    double sum,
    double min,
    double max,
    boolean exactMinMax,
    int scale,
    long zeroCount,
    int positiveOffset,
    long[] positive,
    int negativeOffset,
    long[] negative)
    implements BucketCounts {

  /** OTLP's scale range. */
  static final int MIN_SCALE = -10;

  static final int MAX_SCALE = 20;

  static ExponentialBucketCounts of(ExponentialHistogramDataPoint point) {
    if (point.getScale() < MIN_SCALE || point.getScale() > MAX_SCALE) {
      throw new IllegalArgumentException(
          "scale " + point.getScale() + " is outside " + MIN_SCALE + ".." + MAX_SCALE);
    }
    long[] positive = counts(point.getPositive().getBucketCountsList());
    long[] negative = counts(point.getNegative().getBucketCountsList());
    long total = point.getZeroCount();
    for (long bucket : positive) {
      total += bucket;
    }
    for (long bucket : negative) {
      total += bucket;
    }
    if (point.getCount() < 0 || point.getZeroCount() < 0 || total != point.getCount()) {
      throw new IllegalArgumentException(
          "count "
              + Long.toUnsignedString(point.getCount())
              + " is not the sum of the zero and bucket counts");
    }
    checkRange(point.getScale(), point.getPositive().getOffset(), positive, "positive");
    checkRange(point.getScale(), point.getNegative().getOffset(), negative, "negative");
    return new ExponentialBucketCounts(
        point.getCount(),
        point.hasSum() ? point.getSum() : Double.NaN,
        point.hasMin() ? point.getMin() : Double.NaN,
        point.hasMax() ? point.getMax() : Double.NaN,
        true,
        point.getScale(),
        point.getZeroCount(),
        point.getPositive().getOffset(),
        positive,
        point.getNegative().getOffset(),
        negative);
  }

  /**
   * Every bucket that holds samples must start within the range of a double: a bucket beyond it (an
   * offset near 2^31 at a low scale is a bucket at 2^(10^12)) would hold samples no double can be,
   * and its bounds would come out as infinity and then be read as 0.
   */
  private static void checkRange(int scale, int offset, long[] counts, String side) {
    for (int i = counts.length - 1; i >= 0; i--) {
      if (counts[i] > 0) {
        long index = (long) offset + i;
        if (Double.isInfinite(lowerBound(scale, index))) {
          throw new IllegalArgumentException(
              side
                  + " bucket "
                  + index
                  + " at scale "
                  + scale
                  + " starts beyond the largest double");
        }
        return; // the highest non-empty bucket has the highest bound
      }
    }
  }

  private static long[] counts(List<Long> list) {
    long[] counts = new long[list.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = list.get(i);
      if (counts[i] < 0) {
        throw new IllegalArgumentException("a bucket count above 2^63");
      }
    }
    return counts;
  }

  /**
   * This cumulative point minus an earlier one of the same stream, or null when it cannot follow
   * it. Exporters lower the scale of a cumulative stream as its range grows, so the earlier point
   * is first brought to this point's scale; a higher scale, or a bucket or count that went down, is
   * a reset.
   */
  ExponentialBucketCounts minus(ExponentialBucketCounts earlier) {
    if (scale > earlier.scale || count < earlier.count || zeroCount < earlier.zeroCount) {
      return null;
    }
    int shift = earlier.scale - scale;
    long[] positiveDelta =
        minus(positiveOffset, positive, earlier.positiveOffset, earlier.positive, shift);
    long[] negativeDelta =
        minus(negativeOffset, negative, earlier.negativeOffset, earlier.negative, shift);
    if (positiveDelta == null || negativeDelta == null) {
      return null;
    }
    return new ExponentialBucketCounts(
        count - earlier.count,
        sum - earlier.sum,
        min,
        max,
        false,
        scale,
        zeroCount - earlier.zeroCount,
        positiveOffset,
        positiveDelta,
        negativeOffset,
        negativeDelta);
  }

  private static long[] minus(
      int offset, long[] counts, int earlierOffset, long[] earlierCounts, int shift) {
    long[] delta = counts.clone();
    for (int i = 0; i < earlierCounts.length; i++) {
      if (earlierCounts[i] == 0) {
        continue;
      }
      long index = (((long) earlierOffset + i) >> shift) - offset; // >> floors negatives too
      if (index < 0 || index >= delta.length) {
        return null;
      }
      delta[(int) index] -= earlierCounts[i];
      if (delta[(int) index] < 0) {
        return null;
      }
    }
    for (long bucket : delta) {
      if (bucket < 0) {
        return null;
      }
    }
    return delta;
  }

  @Override
  public void forEachBucket(BucketVisitor visitor) {
    for (int i = negative.length - 1; i >= 0; i--) {
      if (negative[i] > 0) {
        long index = (long) negativeOffset + i;
        visitor.bucket(-lowerBound(index + 1), -lowerBound(index), negative[i]);
      }
    }
    if (zeroCount > 0) {
      visitor.bucket(0, 0, zeroCount);
    }
    for (int i = 0; i < positive.length; i++) {
      if (positive[i] > 0) {
        long index = (long) positiveOffset + i;
        visitor.bucket(lowerBound(index), lowerBound(index + 1), positive[i]);
      }
    }
  }

  /** {@code base^index}. */
  private double lowerBound(long index) {
    return lowerBound(scale, index);
  }

  private static double lowerBound(int scale, long index) {
    return Math.pow(2.0, Math.scalb((double) index, -scale));
  }
}
