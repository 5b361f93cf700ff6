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

  /**
   * {@code namespace/name{k=v,k=v}}: human-readable and unique per series. The characters {@code {
   * } , =} and the backslash are escaped with a backslash inside each part, and so is {@code /}
   * inside the name and dimensions (not in the namespace, where CloudWatch-style {@code AWS/EC2} is
   * common): the last unescaped {@code /} separates namespace from name, so two different series
   * never share a key.
   */
  public String key() {
    StringBuilder key = new StringBuilder();
    escape(namespace, false, key).append('/');
    escape(name, true, key).append('{');
    int open = key.length();
    // forEach, not entrySet(): the unmodifiable view wraps every entry it iterates.
    dimensions.forEach(
        (dimension, value) -> {
          if (key.length() > open) {
            key.append(',');
          }
          escape(dimension, true, key).append('=');
          escape(value, true, key);
        });
    return key.append('}').toString();
  }

  private static StringBuilder escape(String part, boolean escapeSlash, StringBuilder into) {
    int clean = 0; // the usual case: nothing to escape, the part is copied whole
    while (clean < part.length() && !special(part.charAt(clean), escapeSlash)) {
      clean++;
    }
    into.append(part, 0, clean);
    for (int i = clean; i < part.length(); i++) {
      char c = part.charAt(i);
      if (special(c, escapeSlash)) {
        into.append('\\');
      }
      into.append(c);
    }
    return into;
  }

  private static boolean special(char c, boolean escapeSlash) {
    return c == '\\' || c == '{' || c == '}' || c == ',' || c == '=' || (escapeSlash && c == '/');
  }

  @Override
  public String toString() {
    return key();
  }
}
