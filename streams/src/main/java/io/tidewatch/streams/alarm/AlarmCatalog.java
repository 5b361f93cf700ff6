package io.tidewatch.streams.alarm;

import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.RuleSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The alarms in force, indexed for the hot path: the router looks up the alarms of a metric by
 * namespace and name instead of testing every rule against every point.
 */
final class AlarmCatalog {

  private final Map<String, AlarmRule> byName = new LinkedHashMap<>();
  private final Map<String, List<AlarmRule>> byMetric = new HashMap<>();

  AlarmCatalog(RuleSet rules) {
    for (AlarmRule rule : rules.alarms()) {
      byName.put(rule.name(), rule);
      byMetric
          .computeIfAbsent(
              metricKey(rule.metric().namespace(), rule.metric().name()),
              key -> new java.util.ArrayList<>())
          .add(rule);
    }
  }

  Optional<AlarmRule> rule(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  List<AlarmRule> rulesFor(String namespace, String name) {
    return byMetric.getOrDefault(metricKey(namespace, name), List.of());
  }

  /**
   * The groupBy values of the instance a series belongs to, or empty when the series lacks one of
   * the groupBy dimensions (it then belongs to no instance of that alarm).
   */
  static Optional<Map<String, String>> instanceOf(
      AlarmRule rule, SortedMap<String, String> dimensions) {
    Map<String, String> instance = new LinkedHashMap<>();
    for (String dimension : rule.groupBy()) {
      String value = dimensions.get(dimension);
      if (value == null) {
        return Optional.empty();
      }
      instance.put(dimension, value);
    }
    return Optional.of(instance);
  }

  /** {@code web-cpu-high{host=a}}, or the bare alarm name when it has no groupBy. */
  static String instanceId(AlarmRule rule, Map<String, String> instance) {
    if (rule.groupBy().isEmpty()) {
      return rule.name();
    }
    StringBuilder id = new StringBuilder(rule.name()).append('{');
    boolean first = true;
    for (String dimension : rule.groupBy()) {
      if (!first) {
        id.append(',');
      }
      id.append(dimension).append('=').append(instance.get(dimension));
      first = false;
    }
    return id.append('}').toString();
  }

  /** A stable digest of the rule definition: aggregates kept for another definition are void. */
  static String fingerprint(AlarmRule rule) {
    return Integer.toHexString(rule.hashCode());
  }

  private static String metricKey(String namespace, String name) {
    return namespace + '\u0000' + name;
  }
}
