package io.tidewatch.streams.alarm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * When each alarm instance of a task next needs a wall-clock evaluation. The punctuator asks only
 * for the instances that are due instead of reading every instance from the store each time, so its
 * cost follows the number of closing periods, not the number of alarms. Kept in memory; it is
 * rebuilt from the store when the task starts.
 */
final class DueIndex {

  private final NavigableMap<Long, Set<String>> byTime = new TreeMap<>();
  private final Map<String, Long> byInstance = new HashMap<>();

  void schedule(String instance, long dueMillis) {
    Long previous = byInstance.get(instance);
    if (previous != null && previous == dueMillis) {
      return; // the common case: a datapoint of a period already scheduled
    }
    byInstance.put(instance, dueMillis);
    if (previous != null) {
      remove(previous, instance);
    }
    byTime.computeIfAbsent(dueMillis, time -> new HashSet<>()).add(instance);
  }

  void forget(String instance) {
    Long previous = byInstance.remove(instance);
    if (previous != null) {
      remove(previous, instance);
    }
  }

  /** Removes and returns the instances due at or before {@code nowMillis}. */
  List<String> takeDue(long nowMillis) {
    List<String> due = new ArrayList<>();
    while (!byTime.isEmpty() && byTime.firstKey() <= nowMillis) {
      for (String instance : byTime.pollFirstEntry().getValue()) {
        byInstance.remove(instance);
        due.add(instance);
      }
    }
    return due;
  }

  void clear() {
    byTime.clear();
    byInstance.clear();
  }

  int size() {
    return byInstance.size();
  }

  private void remove(long time, String instance) {
    Set<String> instances = byTime.get(time);
    if (instances != null) {
      instances.remove(instance);
      if (instances.isEmpty()) {
        byTime.remove(time);
      }
    }
  }
}
