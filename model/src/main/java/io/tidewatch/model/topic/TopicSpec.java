package io.tidewatch.model.topic;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a topic is to be created: partitions and topic-level configs. Replication is not part of the
 * spec; it is a property of the cluster (1 for the embedded single-node broker).
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
    configs = java.util.Collections.unmodifiableMap(new TreeMap<>(configs));
  }
}
