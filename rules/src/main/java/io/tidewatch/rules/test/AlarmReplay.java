package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.AlarmDatapoints;
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
 * candidate rule set would have produced. Plain and metric-math alarms are replayed alike: a
 * metric-math alarm aggregates each of its metrics per instance and period. Samples are aggregated
 * per alarm instance and period as they are added, so memory follows instances × periods, not the
 * number of samples.
 */
public final class AlarmReplay {

  /** One state change an alarm instance would have made. */
  public record Transition(
      String instance, long periodEndMillis, AlarmState from, AlarmState to, String reason) {}

  private final RuleSet rules;
  private final Map<String, List<Input>> inputsByMetric = new HashMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final long appliedAtMillis;

  /**
   * One input of an alarm: the series it selects and what it aggregates them for.
   *
   * @param id {@link AlarmDatapoints#PLAIN} for a plain alarm, else the metric-math metric id
   */
  private record Input(AlarmRule rule, String id, MetricSelector selector, Statistic statistic) {}

  /** An alarm instance's aggregates, by input id and period start. */
  private record Instance(AlarmRule rule, Map<String, NavigableMap<Long, Aggregate>> inputs) {}

  /**
   * @param rules the rule set to replay
   * @param appliedAtMillis when the rule set counts as applied (the start of the replay): an alarm
   *     without {@code groupBy} exists from then on, data or not, as after {@code rules apply}
   */
  public AlarmReplay(RuleSet rules, long appliedAtMillis) {
    this.rules = rules;
    this.appliedAtMillis = appliedAtMillis;
    for (AlarmRule rule : rules.alarms()) {
      if (rule.groupBy().isEmpty()) {
        instances.put(rule.instanceId(Map.of()), new Instance(rule, new LinkedHashMap<>()));
      }
      if (rule.hasMetricMath()) {
        rule.metricMath()
            .metrics()
            .forEach(
                (id, metric) -> index(new Input(rule, id, metric.metric(), metric.statistic())));
      } else {
        index(new Input(rule, AlarmDatapoints.PLAIN, rule.metric(), rule.statistic()));
      }
    }
  }

  private void index(Input input) {
    inputsByMetric
        .computeIfAbsent(
            input.selector().namespace() + '\u0000' + input.selector().name(),
            k -> new ArrayList<>())
        .add(input);
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
    for (Input input : inputsByMetric.getOrDefault(namespace + '\u0000' + name, List.of())) {
      if (!input.selector().matches(namespace, name, dimensions)) {
        continue;
      }
      AlarmRule rule = input.rule();
      Optional<Map<String, String>> instance = rule.instanceOf(dimensions);
      if (instance.isEmpty()) {
        continue;
      }
      long period = rule.period().toMillis();
      long start = Math.floorDiv(timestampMillis, period) * period;
      instances
          .computeIfAbsent(
              rule.instanceId(instance.get()), id -> new Instance(rule, new LinkedHashMap<>()))
          .inputs()
          .computeIfAbsent(input.id(), id -> new TreeMap<>())
          .merge(start, Aggregate.of(value, input.statistic()), Aggregate::merge);
    }
  }

  /**
   * Every transition of every alarm without {@code groupBy} and of every {@code groupBy} instance
   * that saw data, evaluating each period that ends at or before {@code horizonMillis}, by instance
   * id.
   */
  public Map<String, List<Transition>> transitions(long horizonMillis) {
    Map<String, List<Transition>> result = new LinkedHashMap<>();
    instances.forEach(
        (id, instance) -> {
          AlarmTimeline timeline =
              AlarmTimeline.run(
                  instance.rule(), id, instance.inputs(), appliedAtMillis, horizonMillis);
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
