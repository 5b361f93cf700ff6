package io.tidewatch.ingest.otlp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a WARN at most once per {@link #INTERVAL} for each kind of problem, so that a broken or
 * hostile client sending thousands of bad requests is visible in the log without flooding it; the
 * next warning of a kind says how many were left out. The counters in {@code
 * tidewatch_discarded_total} count every one. Thread-safe.
 */
final class ThrottledWarning {

  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Logger log;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  ThrottledWarning(Logger log) {
    this(log, System::nanoTime);
  }

  /**
   * @param nanoTime the time in nanoseconds ({@link System#nanoTime()}; a test's own)
   */
  ThrottledWarning(Logger log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
  }

  /**
   * Logs {@code format} (SLF4J placeholders) with {@code args} unless a warning of {@code kind} was
   * logged within the interval.
   */
  void warn(String kind, String format, Object... args) {
    long suppressed = windows.computeIfAbsent(kind, k -> new Window()).admit(nanoTime.getAsLong());
    if (suppressed < 0) {
      return;
    }
    if (suppressed == 0) {
      log.warn(format, args);
    } else {
      log.warn(format + " ({} more of this kind in the last {})", append(args, suppressed));
    }
  }

  private static Object[] append(Object[] args, long suppressed) {
    Object[] all = new Object[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = suppressed;
    all[args.length + 1] = INTERVAL;
    return all;
  }

  /** One kind's interval: when the last warning was logged and how many were left out since. */
  private static final class Window {
    private long loggedAt;
    private boolean logged;
    private long suppressed;

    /** How many were left out before this one when it is to be logged, else -1. */
    synchronized long admit(long now) {
      if (logged && now - loggedAt < INTERVAL.toNanos()) {
        suppressed++;
        return -1;
      }
      logged = true;
      loggedAt = now;
      long left = suppressed;
      suppressed = 0;
      return left;
    }
  }
}
