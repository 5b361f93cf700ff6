package io.tidewatch.rules;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A named action target from an {@code actions:} section, e.g. {@code ops-slack: {type: slack,
 * channel: "#ops-alerts"}}. The rules module does not know the providers' settings; the provider
 * for {@link #type()} validates {@link #settings()} when it is configured.
 *
 * @param settings every key except {@code type}, as plain YAML values: String, Long, Double,
 *     Boolean, null, List and Map (read-only)
 */
public record ActionDefinition(String name, String type, Map<String, Object> settings) {

  public ActionDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    settings =
        settings == null
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(settings));
  }
}
