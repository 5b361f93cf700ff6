package io.tidewatch.actions.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for retryable failures: before attempt {@code n + 1} the worker
 * waits a random time in {@code [d/2, d]} with {@code d = min(maxBackoff, initialBackoff *
 * multiplier^(n-1))} ("equal jitter": spread out, never near zero). A {@code Retry-After} from the
 * target is honoured instead when it is given.
 *
 * @param maxAttempts attempts in all, the first included; then the failure is final (DLQ + signal)
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofMinutes(2), 2.0);

  public RetryPolicy {
    List<String> problems = new ArrayList<>();
    if (maxAttempts < 1 || maxAttempts > 100) {
      problems.add("maxAttempts: between 1 and 100. Found: " + maxAttempts);
    }
    if (initialBackoff == null || initialBackoff.isNegative()) {
      problems.add("initialBackoff: zero or more. Found: " + initialBackoff);
    }
    if (maxBackoff == null || initialBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
      problems.add("maxBackoff: at least initialBackoff. Found: " + maxBackoff);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      problems.add("multiplier: 1 or more. Found: " + multiplier);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid retry policy: " + String.join("; ", problems));
    }
  }

  /** Whether attempt {@code attempt} (1-based) failing may be followed by another. */
  public boolean mayRetryAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** The wait after failed attempt {@code attempt} (1-based). */
  public Duration delay(int attempt, Optional<Duration> retryAfter, RandomGenerator random) {
    if (retryAfter.isPresent() && !retryAfter.get().isNegative()) {
      return retryAfter.get();
    }
    double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(maxBackoff.toMillis(), base);
    long half = capped / 2;
    return Duration.ofMillis(half + (capped - half == 0 ? 0 : random.nextLong(capped - half + 1)));
  }
}
