package io.tidewatch.rules;

import io.tidewatch.model.alarm.AlarmState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The named actions (defined in an {@code actions:} section) run when an alarm enters a state. */
public record AlarmActions(List<String> alarm, List<String> ok, List<String> insufficientData) {

  private static final AlarmActions NONE = new AlarmActions(List.of(), List.of(), List.of());

  public AlarmActions {
    alarm = alarm == null ? List.of() : List.copyOf(alarm);
    ok = ok == null ? List.of() : List.copyOf(ok);
    insufficientData = insufficientData == null ? List.of() : List.copyOf(insufficientData);
  }

  public static AlarmActions none() {
    return NONE;
  }

  /** The actions to run when the alarm enters {@code state}. */
  public List<String> forState(AlarmState state) {
    return switch (state) {
      case ALARM -> alarm;
      case OK -> ok;
      case INSUFFICIENT_DATA -> insufficientData;
    };
  }

  /** Every action name referenced, once each, in order of first mention. */
  public List<String> all() {
    LinkedHashSet<String> names = new LinkedHashSet<>(alarm);
    names.addAll(ok);
    names.addAll(insufficientData);
    return List.copyOf(new ArrayList<>(names));
  }
}
