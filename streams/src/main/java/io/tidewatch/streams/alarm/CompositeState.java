package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the composite evaluator keeps per composite alarm: the latest state of every alarm instance
 * its rule names (with the alarm each belongs to, for rules that name an alarm with groupBy), and
 * its own state.
 */
record CompositeState(
    Map<String, AlarmState> inputs,
    Map<String, String> alarmOf,
    AlarmState state,
    String reason,
    long stateTimestampMillis) {

  CompositeState {
    inputs = new TreeMap<>(inputs);
    alarmOf = new TreeMap<>(alarmOf);
  }

  static CompositeState fresh() {
    return new CompositeState(
        Map.of(), Map.of(), AlarmState.INSUFFICIENT_DATA, "Unchecked: Initial alarm creation", 0L);
  }

  CompositeState with(CompositeInput input) {
    Map<String, AlarmState> newInputs = new TreeMap<>(inputs);
    Map<String, String> newAlarmOf = new TreeMap<>(alarmOf);
    if (input.state() == null) {
      newInputs.remove(input.instance());
      newAlarmOf.remove(input.instance());
    } else {
      newInputs.put(input.instance(), input.state());
      newAlarmOf.put(input.instance(), input.alarm());
    }
    return new CompositeState(newInputs, newAlarmOf, state, reason, stateTimestampMillis);
  }

  CompositeState transitioned(AlarmState newState, String newReason, long timestamp) {
    return new CompositeState(inputs, alarmOf, newState, newReason, timestamp);
  }
}
