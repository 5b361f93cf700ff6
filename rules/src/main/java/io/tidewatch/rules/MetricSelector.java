package io.tidewatch.rules;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which series an alarm watches: every series with this namespace and name whose dimensions include
 * all of {@link #dimensions()}.
 *
 * <p>Unlike CloudWatch, which needs the exact dimension set, this is a subset match (RULES.md
 * section 2): {@code {service: web}} selects the series of every web host, and {@code groupBy} then
 * splits them into alarm instances.
 */
public record MetricSelector(String namespace, String name, Map<String, String> dimensions) {

  public MetricSelector {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    dimensions = sortedCopy(dimensions);
  }

  private static final MetricSelector NONE = new MetricSelector("", "", Map.of());

  /**
   * The selector that selects no series (an empty namespace and name, which no series has): the
   * {@link AlarmRule#metric()} of a metric-math alarm, whose metrics are in {@link
   * AlarmRule#metricMath()}.
   */
  public static MetricSelector none() {
    return NONE;
  }

  /** A selector without dimensions: every series of this metric. */
  public static MetricSelector of(String namespace, String name) {
    return new MetricSelector(namespace, name, Map.of());
  }

  /**
   * @return true when the series has this namespace and name and every listed dimension with the
   *     same value; the series may carry more dimensions
   */
  public boolean matches(String namespace, String name, Map<String, String> seriesDimensions) {
    if (this.namespace.isEmpty() || !this.namespace.equals(namespace) || !this.name.equals(name)) {
      return false;
    }
    for (Map.Entry<String, String> wanted : dimensions.entrySet()) {
      if (!wanted.getValue().equals(seriesDimensions.get(wanted.getKey()))) {
        return false;
      }
    }
    return true;
  }

  static SortedMap<String, String> sortedCopy(Map<String, String> map) {
    TreeMap<String, String> copy = new TreeMap<>();
    if (map != null) {
      map.forEach(
          (key, value) ->
              copy.put(
                  Objects.requireNonNull(key, "key"),
                  Objects.requireNonNull(value, () -> "value of " + key)));
    }
    return Collections.unmodifiableSortedMap(copy);
  }
}
