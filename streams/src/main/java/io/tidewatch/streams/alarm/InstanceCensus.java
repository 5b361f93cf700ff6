package io.tidewatch.streams.alarm;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many instances each alarm has across the evaluator tasks of one stream processor, for the
 * per-alarm cardinality limit ({@code maxInstances}). Instances are partitioned by instance id, so
 * one alarm's instances live in many tasks (and threads): each task holds a {@link Share}, counts
 * the instances of its store into it when it starts and takes them out when it closes, and asks the
 * census before it creates an instance.
 *
 * <p>The limit is exact within one processor (the all-in-one runs one); processors that split the
 * partitions between them each apply it to the instances they own. Which instances are admitted
 * when many appear at once depends on processing order; once created, an instance stays.
 */
final class InstanceCensus {

  /** The Streams metric counting datapoints of instances refused by the limit. */
  static final String SENSOR = "instances-over-limit";

  private final Map<String, AtomicInteger> byRule = new ConcurrentHashMap<>();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  /** A task's part of the census. Used by that task's thread only. */
  Share share() {
    return new Share();
  }

  /** The instances counted for {@code rule} in all tasks of this processor. */
  int count(String rule) {
    AtomicInteger count = byRule.get(rule);
    return count == null ? 0 : count.get();
  }

  /**
   * Whether this is the first refusal under this limit: the limit is reported once per alarm and
   * limit, not per datapoint. Raising the limit (or the count falling below it) arms it again.
   */
  boolean firstRefusal(String rule, int limit) {
    return refused.add(rule + '\u0000' + limit);
  }

  final class Share {
    private final Map<String, Integer> mine = new HashMap<>();

    private Share() {}

    /** Counts an existing instance of {@code rule} (from the task's restored store). */
    void add(String rule) {
      byRule.computeIfAbsent(rule, r -> new AtomicInteger()).incrementAndGet();
      mine.merge(rule, 1, Integer::sum);
    }

    /** Counts a new instance of {@code rule} if that keeps it within {@code limit}. */
    boolean admit(String rule, int limit) {
      AtomicInteger count = byRule.computeIfAbsent(rule, r -> new AtomicInteger());
      while (true) {
        int now = count.get();
        if (now >= limit) {
          return false;
        }
        if (count.compareAndSet(now, now + 1)) {
          mine.merge(rule, 1, Integer::sum);
          return true;
        }
      }
    }

    /** Takes out one instance of {@code rule}, deleted by this task. */
    void remove(String rule) {
      Integer held = mine.get(rule);
      if (held == null) {
        return;
      }
      if (held == 1) {
        mine.remove(rule);
      } else {
        mine.put(rule, held - 1);
      }
      decrement(rule, 1);
    }

    /** Takes out every instance this task counted: the task closes (they may move elsewhere). */
    void release() {
      mine.forEach(InstanceCensus.this::decrement);
      mine.clear();
    }
  }

  private void decrement(String rule, int by) {
    AtomicInteger count = byRule.get(rule);
    if (count != null) {
      int left = count.addAndGet(-by);
      refused.removeIf(key -> key.startsWith(rule + '\u0000') && limitOf(key) > left);
    }
  }

  private static int limitOf(String key) {
    return Integer.parseInt(key.substring(key.indexOf('\u0000') + 1));
  }
}
