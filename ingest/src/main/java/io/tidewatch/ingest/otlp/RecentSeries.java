package io.tidewatch.ingest.otlp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bounded memo of what the receiver works out per series: exporters send the same series every
 * interval, so after the first export a point costs a lookup instead of the work again. When it
 * holds {@code maxEntries} it starts over empty (the next export fills it again), which keeps it
 * bounded without bookkeeping per entry. Thread-safe.
 */
final class RecentSeries<K, V> {

  /**
   * Enough for the series of a large fleet; about 0.5 KiB each (key, hash, encoded fields, the
   * series).
   */
  static final int DEFAULT_MAX_ENTRIES = 65_536;

  private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();
  private final int maxEntries;

  RecentSeries(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /** The value for {@code key}, worked out by {@code compute} when it is not known. */
  V get(K key, Function<K, V> compute) {
    V value = entries.get(key);
    if (value == null) {
      value = compute.apply(key);
      put(key, value);
    }
    return value;
  }

  /** The value kept for {@code key}, or null. */
  V get(K key) {
    return entries.get(key);
  }

  /** Keeps {@code value} for {@code key}, replacing what was kept. */
  void put(K key, V value) {
    if (entries.size() >= maxEntries && !entries.containsKey(key)) {
      entries.clear();
    }
    entries.put(key, value);
  }

  void remove(K key) {
    entries.remove(key);
  }

  int size() {
    return entries.size();
  }
}
