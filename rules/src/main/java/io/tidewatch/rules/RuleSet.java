package io.tidewatch.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a rules directory defines that Tidewatch uses today.
 *
 * @param alarms in file order (files sorted by name)
 * @param actions by name, sorted
 * @param compositeAlarms in file order; every alarm their rules name is in {@link #alarms()} or
 *     here, and they form no cycle
 * @param notifications the {@code notifications:} section (the action workers' routing policy) as
 *     plain YAML values; empty without one. Its meaning is checked by a {@link SectionValidator}
 */
public record RuleSet(
    List<AlarmRule> alarms,
    Map<String, ActionDefinition> actions,
    List<CompositeAlarmRule> compositeAlarms,
    Map<String, Object> notifications) {

  private static final RuleSet EMPTY = new RuleSet(List.of(), Map.of(), List.of());

  public RuleSet {
    alarms = List.copyOf(alarms);
    actions = Collections.unmodifiableSortedMap(new TreeMap<>(actions));
    compositeAlarms = compositeAlarms == null ? List.of() : List.copyOf(compositeAlarms);
    notifications =
        notifications == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(notifications));
  }

  /** Without a {@code notifications:} section. */
  public RuleSet(
      List<AlarmRule> alarms,
      Map<String, ActionDefinition> actions,
      List<CompositeAlarmRule> compositeAlarms) {
    this(alarms, actions, compositeAlarms, Map.of());
  }

  /** Metric alarms and actions, no composite alarms. */
  public RuleSet(List<AlarmRule> alarms, Map<String, ActionDefinition> actions) {
    this(alarms, actions, List.of());
  }

  public static RuleSet empty() {
    return EMPTY;
  }

  public Optional<AlarmRule> alarm(String name) {
    return alarms.stream().filter(alarm -> alarm.name().equals(name)).findFirst();
  }

  public Optional<CompositeAlarmRule> compositeAlarm(String name) {
    return compositeAlarms.stream().filter(alarm -> alarm.name().equals(name)).findFirst();
  }
}
