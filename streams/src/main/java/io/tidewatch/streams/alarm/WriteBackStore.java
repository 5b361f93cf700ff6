package io.tidewatch.streams.alarm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A write-back cache of deserialized values in front of a changelogged key-value store: the hot
 * path reads and replaces objects in memory, and the changed ones are written to the store (and so
 * to its changelog) only when Kafka Streams flushes caches, which it does in every commit before
 * the transaction's offsets are committed. Under {@code exactly_once_v2} the changelog therefore
 * holds, at each commit, exactly the state of the offsets committed with it; a crash between
 * commits loses only what the aborted transaction loses anyway. A value updated N times between two
 * commits is encoded and logged once instead of N times.
 *
 * <p>Clean values stay cached up to {@code capacity} entries (least recently used go first, they
 * are re-read from the store). Scans ({@link #all()} and the like) flush first and read the store.
 * Values are treated as immutable: callers replace them with {@link #put}, never change them.
 *
 * <p>Kafka Streams flushes only stores that implement its internal {@code CachedStateStore}, which
 * {@link WrappedStateStore} does; this is the one internal type used, pinned with the Kafka
 * version.
 */
final class WriteBackStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V>
    implements KeyValueStore<String, V> {

  private final int capacity;
  private final Map<String, V> clean;

  /** Changed since the last flush; a null value is a delete. */
  private final Map<String, V> dirty = new HashMap<>();

  WriteBackStore(KeyValueStore<String, V> store, int capacity) {
    super(store);
    this.capacity = capacity;
    this.clean =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > WriteBackStore.this.capacity;
          }
        };
  }

  /** Wraps the stores {@code builder} builds. */
  static <V> StoreBuilder<KeyValueStore<String, V>> builder(
      StoreBuilder<KeyValueStore<String, V>> builder, int capacity) {
    return new Builder<>(builder, capacity);
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clean.clear();
    dirty.clear();
    super.init(context, root);
  }

  @Override
  public V get(String key) {
    if (dirty.containsKey(key)) {
      return dirty.get(key);
    }
    V value = clean.get(key);
    if (value == null) {
      value = wrapped().get(key);
      if (value != null) {
        clean.put(key, value);
      }
    }
    return value;
  }

  /** A put stays in {@link #dirty} (which reads see first) until written, then becomes clean. */
  @Override
  public void put(String key, V value) {
    dirty.put(key, value);
  }

  @Override
  public V putIfAbsent(String key, V value) {
    V existing = get(key);
    if (existing == null) {
      put(key, value);
    }
    return existing;
  }

  @Override
  public void putAll(List<KeyValue<String, V>> entries) {
    for (KeyValue<String, V> entry : entries) {
      put(entry.key, entry.value);
    }
  }

  @Override
  public V delete(String key) {
    V existing = get(key);
    put(key, null);
    return existing;
  }

  @Override
  public KeyValueIterator<String, V> range(String from, String to) {
    writeDirty();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<String, V> reverseRange(String from, String to) {
    writeDirty();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<String, V> all() {
    writeDirty();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<String, V> reverseAll() {
    writeDirty();
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(
      P prefix, PS prefixKeySerializer) {
    writeDirty();
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    writeDirty();
    return wrapped().approximateNumEntries();
  }

  /** Called by Kafka Streams before every commit (and on close after a clean commit). */
  @Override
  public void flushCache() {
    writeDirty();
    super.flushCache();
  }

  @Override
  public void clearCache() {
    clean.clear();
    dirty.clear();
    super.clearCache();
  }

  @Override
  public void close() {
    clean.clear();
    dirty.clear();
    super.close();
  }

  /** How many values wait to be written at the next flush. */
  int pending() {
    return dirty.size();
  }

  private void writeDirty() {
    if (dirty.isEmpty()) {
      return;
    }
    List<KeyValue<String, V>> writes = new ArrayList<>(dirty.size());
    for (Map.Entry<String, V> entry : dirty.entrySet()) {
      if (entry.getValue() == null) {
        wrapped().delete(entry.getKey());
        clean.remove(entry.getKey());
      } else {
        writes.add(KeyValue.pair(entry.getKey(), entry.getValue()));
      }
    }
    wrapped().putAll(writes);
    for (KeyValue<String, V> write : writes) {
      clean.put(write.key, write.value);
    }
    dirty.clear();
  }

  private static final class Builder<V> implements StoreBuilder<KeyValueStore<String, V>> {
    private final StoreBuilder<KeyValueStore<String, V>> inner;
    private final int capacity;

    Builder(StoreBuilder<KeyValueStore<String, V>> inner, int capacity) {
      this.inner = inner;
      this.capacity = capacity;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
      inner.withCachingEnabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
      inner.withCachingDisabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public KeyValueStore<String, V> build() {
      return new WriteBackStore<>(inner.build(), capacity);
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
