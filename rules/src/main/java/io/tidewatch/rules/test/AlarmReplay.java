package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.alarm.Aggregate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Replays recorded datapoints through a rule set with the evaluator of {@code rules test} (and of
 * the stream processor): what {@code tidewatch rules backtest} uses to say which transitions a
 * candidate rule set would have produced. Samples are aggregated per alarm instance and period as
 * they are added, so memory follows instances × periods, not the number of samples.
 */
public final class AlarmReplay {

  /** One state change an alarm instance would have made. */
  public record Transition(
      String instance, long periodEndMillis, AlarmState from, AlarmState to, String reason) {}

  private final RuleSet rules;
  private final Map<String, List<AlarmRule>> rulesByMetric = new HashMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();

  private record Instance(AlarmRule rule, NavigableMap<Long, Aggregate> periods) {}

  public AlarmReplay(RuleSet rules) {
    this.rules = rules;
    for (AlarmRule rule : rules.alarms()) {
      rulesByMetric
          .computeIfAbsent(
              rule.metric().namespace() + '\u0000' + rule.metric().name(), k -> new ArrayList<>())
          .add(rule);
    }
  }

  public RuleSet rules() {
    return rules;
  }

  /** Adds one recorded datapoint to every alarm instance that watches its series. */
  public void add(
      String namespace,
      String name,
      Map<String, String> dimensions,
      long timestampMillis,
      double value) {
    for (AlarmRule rule : rulesByMetric.getOrDefault(namespace + '\u0000' + name, List.of())) {
      if (!rule.metric().matches(namespace, name, dimensions)) {
        continue;
      }
      Optional<Map<String, String>> instance = rule.instanceOf(dimensions);
      if (instance.isEmpty()) {
        continue;
      }
      long period = rule.period().toMillis();
      long start = Math.floorDiv(timestampMillis, period) * period;
      instances
          .computeIfAbsent(
              rule.instanceId(instance.get()), id -> new Instance(rule, new TreeMap<>()))
          .periods()
          .merge(start, Aggregate.of(value, rule.statistic()), Aggregate::merge);
    }
  }

  /**
   * Every transition of every instance that saw data, evaluating each period that ends at or before
   * {@code horizonMillis}, by instance id.
   */
  public Map<String, List<Transition>> transitions(long horizonMillis) {
    Map<String, List<Transition>> result = new LinkedHashMap<>();
    instances.forEach(
        (id, instance) -> {
          AlarmTimeline timeline =
              AlarmTimeline.run(instance.rule(), id, instance.periods(), horizonMillis);
          result.put(
              id,
              timeline.transitions().stream()
                  .map(
                      step ->
                          new Transition(
                              id,
                              step.end(),
                              step.before(),
                              step.evaluation().state(),
                              step.evaluation().reason()))
                  .toList());
        });
    return result;
  }
}
