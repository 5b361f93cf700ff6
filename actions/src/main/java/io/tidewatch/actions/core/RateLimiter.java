package io.tidewatch.actions.core;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: {@code permitsPerSecond} tokens a second, holding at most one second's worth.
 * {@link #reserve} takes a token now or says how long to wait for one (without taking it).
 */
final class RateLimiter {

  private final double perSecond;
  private final double capacity;
  private double tokens;
  private Instant refilled;

  RateLimiter(double permitsPerSecond, Instant now) {
    this.perSecond = permitsPerSecond;
    this.capacity = Math.max(1.0, permitsPerSecond);
    this.tokens = capacity;
    this.refilled = now;
  }

  synchronized Duration reserve(Instant now) {
    if (now.isAfter(refilled)) {
      double elapsed = Duration.between(refilled, now).toNanos() / 1e9;
      tokens = Math.min(capacity, tokens + elapsed * perSecond);
      refilled = now;
    }
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1.0 - tokens) / perSecond * 1e9));
  }
}
