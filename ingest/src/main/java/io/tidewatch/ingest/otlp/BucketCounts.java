package io.tidewatch.ingest.otlp;

/**
 * The samples of a histogram point as counts per value range: an OTLP explicit-bucket histogram
 * ({@link ExplicitBucketCounts}) or exponential histogram ({@link ExponentialBucketCounts}), as
 * sent (delta) or as the difference of two cumulative points.
 */
sealed interface BucketCounts permits ExplicitBucketCounts, ExponentialBucketCounts {

  /** Receives one bucket: {@code count} samples in {@code [low, high]}; either may be infinite. */
  @FunctionalInterface
  interface BucketVisitor {
    void bucket(double low, double high, long count);
  }

  long count();

  /** The sum of the samples, or NaN when the point did not carry one. */
  double sum();

  /**
   * The smallest sample, or NaN when unknown. Exact only when {@link #exactMinMax()}; otherwise a
   * bound (a cumulative stream's minimum so far) that the samples of this delta lie above.
   */
  double min();

  /** The largest sample or a bound for it, as {@link #min()}. */
  double max();

  /** Whether {@link #min()} and {@link #max()} are the samples' own. */
  boolean exactMinMax();

  /** Visits every bucket with at least one sample, lowest values first. */
  void forEachBucket(BucketVisitor visitor);
}
