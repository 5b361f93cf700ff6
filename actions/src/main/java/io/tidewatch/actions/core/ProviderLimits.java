package io.tidewatch.actions.core;

/**
 * How hard the worker may push one provider. Each provider runs on its own threads and its own
 * consumer, so a slow provider holds only its own work.
 *
 * @param concurrency attempts running at the same time
 * @param permitsPerSecond attempts started per second (token bucket, bursts up to the rate)
 * @param maxInFlight transitions accepted but not finished; above it the provider's consumer pauses
 *     (memory stays bounded under a backlog)
 */
public record ProviderLimits(int concurrency, double permitsPerSecond, int maxInFlight) {

  public static final ProviderLimits DEFAULT = new ProviderLimits(4, 20.0, 1000);

  public ProviderLimits {
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("concurrency: between 1 and 256. Found: " + concurrency);
    }
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException(
          "permitsPerSecond: a positive number. Found: " + permitsPerSecond);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: at least 1. Found: " + maxInFlight);
    }
  }
}
