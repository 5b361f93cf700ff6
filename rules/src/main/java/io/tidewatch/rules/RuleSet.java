package io.tidewatch.rules;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a rules directory defines that Tidewatch evaluates today.
 *
 * @param alarms in file order (files sorted by name)
 * @param actions by name, sorted
 */
public record RuleSet(List<AlarmRule> alarms, Map<String, ActionDefinition> actions) {

  private static final RuleSet EMPTY = new RuleSet(List.of(), Map.of());

  public RuleSet {
    alarms = List.copyOf(alarms);
    actions = Collections.unmodifiableSortedMap(new TreeMap<>(actions));
  }

  public static RuleSet empty() {
    return EMPTY;
  }

  public Optional<AlarmRule> alarm(String name) {
    return alarms.stream().filter(alarm -> alarm.name().equals(name)).findFirst();
  }
}
