package io.tidewatch.model.metric;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The identity of a metric series: namespace, name and dimensions. Dimensions are kept sorted so
 * that {@link #key()} is stable; it is the record key on {@code tw.metrics}, which keeps every
 * point of a series in one partition.
 */
public record SeriesId(String namespace, String name, SortedMap<String, String> dimensions) {

  public SeriesId {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("metric name must not be empty");
    }
    dimensions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(dimensions));
  }

  public static SeriesId of(String namespace, String name, Map<String, String> dimensions) {
    return new SeriesId(namespace, name, new TreeMap<>(dimensions));
  }

  /** {@code namespace/name{k=v,k=v}}: human-readable and unique per series. */
  public String key() {
    StringBuilder key = new StringBuilder(namespace).append('/').append(name).append('{');
    boolean first = true;
    for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
      if (!first) {
        key.append(',');
      }
      key.append(dimension.getKey()).append('=').append(dimension.getValue());
      first = false;
    }
    return key.append('}').toString();
  }

  @Override
  public String toString() {
    return key();
  }
}
