package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.CompositeAlarmRule;
import io.tidewatch.rules.MathMetric;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.CompositeEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Runs the input series of one test through every alarm and composite alarm of a rule set. */
final class Simulation {

  private Simulation() {}

  /**
   * @return every alarm without groupBy (it exists from t = 0), every groupBy instance that saw at
   *     least one sample, by instance id, and every composite alarm, by name
   * @throws IllegalArgumentException when the horizon needs too many evaluations
   */
  static Map<String, Timeline> run(RuleSet rules, RuleTestCase test, long horizonMillis) {
    Map<String, AlarmTimeline> alarms = new LinkedHashMap<>();
    for (AlarmRule rule : rules.alarms()) {
      alarms.putAll(alarm(rule, test, horizonMillis));
    }
    Map<String, Timeline> timelines = new LinkedHashMap<>(alarms);
    timelines.putAll(composites(rules, alarms, horizonMillis));
    return timelines;
  }

  private static Map<String, AlarmTimeline> alarm(
      AlarmRule rule, RuleTestCase test, long horizonMillis) {
    Map<String, MathMetric> metrics = new LinkedHashMap<>();
    if (rule.hasMetricMath()) {
      metrics.putAll(rule.metricMath().metrics());
    } else {
      metrics.put(AlarmTimeline.PLAIN, new MathMetric(rule.metric(), rule.statistic()));
    }
    Map<String, Map<String, NavigableMap<Long, Aggregate>>> instances = new LinkedHashMap<>();
    long period = rule.period().toMillis();
    for (Map.Entry<String, MathMetric> metric : metrics.entrySet()) {
      MetricSelector selector = metric.getValue().metric();
      Statistic statistic = metric.getValue().statistic();
      for (InputSeries series : test.series()) {
        if (!selector.matches(series.namespace(), series.name(), series.dimensions())) {
          continue;
        }
        Optional<Map<String, String>> instance = rule.instanceOf(series.dimensions());
        if (instance.isEmpty()) {
          continue;
        }
        NavigableMap<Long, Aggregate> periods =
            instances
                .computeIfAbsent(rule.instanceId(instance.get()), id -> new LinkedHashMap<>())
                .computeIfAbsent(metric.getKey(), id -> new TreeMap<>());
        long every = series.every().toMillis();
        for (int i = 0; i < series.values().size(); i++) {
          Double value = series.values().get(i);
          if (value == null) {
            continue;
          }
          long timestamp = i * every;
          long start = Math.floorDiv(timestamp, period) * period;
          periods.merge(start, Aggregate.of(value, statistic), Aggregate::merge);
        }
      }
    }
    if (rule.groupBy().isEmpty()) {
      // An alarm without groupBy exists from t = 0, as from its `rules apply`: data or not.
      instances.computeIfAbsent(rule.instanceId(Map.of()), id -> new LinkedHashMap<>());
    }
    Map<String, AlarmTimeline> timelines = new LinkedHashMap<>();
    instances.forEach(
        (id, byMetric) -> {
          if (rule.groupBy().isEmpty()
              || byMetric.values().stream().anyMatch(periods -> !periods.isEmpty())) {
            timelines.put(id, AlarmTimeline.run(rule, id, byMetric, 0L, horizonMillis));
          }
        });
    return timelines;
  }

  /**
   * Composites are evaluated at 0 (their creation) and at every time a metric alarm was evaluated,
   * children before parents.
   */
  private static Map<String, CompositeTimeline> composites(
      RuleSet rules, Map<String, AlarmTimeline> alarms, long horizonMillis) {
    Map<String, CompositeTimeline> composites = new LinkedHashMap<>();
    if (rules.compositeAlarms().isEmpty()) {
      return composites;
    }
    List<CompositeAlarmRule> ordered = childrenFirst(rules);
    for (CompositeAlarmRule composite : ordered) {
      composites.put(composite.name(), new CompositeTimeline(composite));
    }
    TreeSet<Long> times = new TreeSet<>();
    times.add(0L);
    alarms.values().forEach(timeline -> times.addAll(timeline.evaluationTimes()));
    for (long t : times.headSet(horizonMillis, true)) {
      for (CompositeAlarmRule composite : ordered) {
        Map<String, AlarmState> states = new LinkedHashMap<>();
        for (String name : composite.expression().references()) {
          states.put(name, stateOf(name, t, rules, alarms, composites));
        }
        composites.get(composite.name()).evaluate(t, states);
      }
    }
    return composites;
  }

  private static AlarmState stateOf(
      String name,
      long t,
      RuleSet rules,
      Map<String, AlarmTimeline> alarms,
      Map<String, CompositeTimeline> composites) {
    CompositeTimeline composite = composites.get(name);
    if (composite != null) {
      return composite.current();
    }
    InstanceRef ref = InstanceRef.parse(name);
    Optional<AlarmRule> rule = rules.alarm(ref.alarm());
    if (rule.isEmpty()) {
      return AlarmState.INSUFFICIENT_DATA;
    }
    if (rule.get().groupBy().isEmpty() || !ref.instance().isEmpty()) {
      AlarmTimeline timeline = alarms.get(rule.get().instanceId(ref.instance()));
      return timeline == null ? AlarmState.INSUFFICIENT_DATA : timeline.stateAt(t);
    }
    List<AlarmState> instances = new ArrayList<>();
    for (AlarmTimeline timeline : alarms.values()) {
      if (timeline.rule().name().equals(ref.alarm()) && timeline.evaluatedBy(t)) {
        instances.add(timeline.stateAt(t));
      }
    }
    return CompositeEvaluator.rollUp(instances);
  }

  /** Composite alarms ordered so that each comes after every composite its rule names. */
  private static List<CompositeAlarmRule> childrenFirst(RuleSet rules) {
    Set<String> placed = new LinkedHashSet<>();
    List<CompositeAlarmRule> ordered = new ArrayList<>();
    for (CompositeAlarmRule composite : rules.compositeAlarms()) {
      place(composite, rules, placed, ordered);
    }
    return ordered;
  }

  private static void place(
      CompositeAlarmRule composite,
      RuleSet rules,
      Set<String> placed,
      List<CompositeAlarmRule> ordered) {
    if (!placed.add(composite.name())) {
      return; // the loader refuses cycles, so this is a composite already placed
    }
    for (String name : composite.expression().references()) {
      rules.compositeAlarm(name).ifPresent(child -> place(child, rules, placed, ordered));
    }
    ordered.add(composite);
  }
}
