package io.tidewatch.streams.alarm;

import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.CompositeAlarmRule;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.alarm.AlarmDatapoints;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alarms in force, indexed for the hot path: the router looks up the alarm inputs of a metric
 * by namespace and name instead of testing every rule against every point. A metric-math alarm has
 * one input per metric of its {@code metrics:}.
 */
final class AlarmCatalog {

  private final RuleSet rules;
  private final Optional<Instant> appliedAt;
  private final Map<String, AlarmRule> byName = new LinkedHashMap<>();
  private final Map<String, String> fingerprints = new HashMap<>();
  private final Map<String, List<Route>> byMetric = new HashMap<>();
  private final Map<String, List<CompositeAlarmRule>> compositesByName = new HashMap<>();

  AlarmCatalog(RuleSet rules, Optional<Instant> appliedAt) {
    this.rules = rules;
    this.appliedAt = appliedAt;
    indexComposites(rules);
    for (AlarmRule rule : rules.alarms()) {
      byName.put(rule.name(), rule);
      fingerprints.put(rule.name(), fingerprintOf(rule));
      if (rule.hasMetricMath()) {
        rule.metricMath()
            .metrics()
            .forEach((id, metric) -> index(new Route(rule, id, metric.metric())));
      } else {
        index(new Route(rule, AlarmDatapoints.PLAIN, rule.metric()));
      }
    }
  }

  /**
   * One input of an alarm, as the router sees it: the series it selects and the id under which the
   * evaluator aggregates them ({@link AlarmDatapoints#PLAIN} for a plain alarm, the metric id of a
   * metric-math alarm's {@code metrics:}).
   */
  record Route(AlarmRule rule, String input, MetricSelector selector) {}

  private void index(Route route) {
    byMetric
        .computeIfAbsent(
            metricKey(route.selector().namespace(), route.selector().name()),
            key -> new java.util.ArrayList<>())
        .add(route);
  }

  /** The composite alarms whose rule names this alarm instance or its alarm. */
  List<CompositeAlarmRule> compositesNaming(String instance, String alarm) {
    List<CompositeAlarmRule> byInstance = compositesByName.getOrDefault(instance, List.of());
    if (instance.equals(alarm)) {
      return byInstance;
    }
    List<CompositeAlarmRule> byAlarm = compositesByName.getOrDefault(alarm, List.of());
    if (byInstance.isEmpty()) {
      return byAlarm;
    }
    java.util.LinkedHashSet<CompositeAlarmRule> both = new java.util.LinkedHashSet<>(byInstance);
    both.addAll(byAlarm);
    return List.copyOf(both);
  }

  RuleSet rules() {
    return rules;
  }

  /**
   * When these rules were applied, if known; else they count as applied when a processor sees them.
   */
  Optional<Instant> appliedAt() {
    return appliedAt;
  }

  private void indexComposites(RuleSet rules) {
    for (CompositeAlarmRule composite : rules.compositeAlarms()) {
      for (String name : composite.expression().references()) {
        compositesByName.computeIfAbsent(name, key -> new java.util.ArrayList<>()).add(composite);
      }
    }
  }

  Optional<AlarmRule> rule(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The alarm inputs that may select series of this metric (their dimensions still decide). */
  List<Route> routesFor(String namespace, String name) {
    return byMetric.getOrDefault(metricKey(namespace, name), List.of());
  }

  /**
   * A digest of the rule's definition, stable across JVMs (unlike {@code hashCode}, which varies
   * with enum identity hashes): aggregates kept for another definition are void.
   */
  String fingerprint(AlarmRule rule) {
    String known = fingerprints.get(rule.name());
    return known != null ? known : fingerprintOf(rule);
  }

  private static String fingerprintOf(AlarmRule rule) {
    // The cardinality limit does not change what an instance aggregates: leave it out, so that
    // changing it (or the arrival of the key itself) keeps every instance's aggregates.
    String definition = rule.toString().replace(", maxInstances=" + rule.maxInstances() + "]", "]");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(definition.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String metricKey(String namespace, String name) {
    return namespace + '\u0000' + name;
  }
}
