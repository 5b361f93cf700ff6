package io.tidewatch.actions.policy;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where notifications go, defined in the {@code notifications.receivers:} section with the same
 * shape as an action ({@code web-slack: {type: slack, channel: "#web-alerts"}}). Every action of a
 * notifying type ({@code slack}) is a receiver under its own name too.
 */
public record Receiver(String name, String type, Map<String, Object> settings) {
  public Receiver {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    settings = Collections.unmodifiableMap(new TreeMap<>(settings == null ? Map.of() : settings));
  }
}
