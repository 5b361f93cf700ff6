package io.tidewatch.actions.policy;

import io.tidewatch.model.alarm.AlarmStateChange;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels routes and silences match on: the alarm's {@code labels}, its instance dimensions
 * ({@code host}), and {@code alarmName}, {@code alarmInstance} and {@code action} (the action that
 * asked for the notification). Explicit labels win over dimensions of the same name.
 */
public final class AlertLabels {

  public static final String ALARM_NAME = "alarmName";
  public static final String ALARM_INSTANCE = "alarmInstance";
  public static final String ACTION = "action";

  private AlertLabels() {}

  public static Map<String, String> of(AlarmStateChange event, String action) {
    Map<String, String> labels = new TreeMap<>(event.detail().instance());
    labels.putAll(event.detail().labels());
    labels.put(ALARM_NAME, event.detail().alarmName());
    labels.put(ALARM_INSTANCE, event.alarmInstance());
    labels.put(ACTION, action);
    return Collections.unmodifiableMap(labels);
  }
}
