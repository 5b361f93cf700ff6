package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.alarm.Aggregate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the evaluator keeps per alarm instance in its (changelogged) store: the current state, the
 * end of the last evaluated period, and the aggregates of the periods still inside the evaluation
 * range. Restoring this after a crash is what lets a restarted processor resume without re-emitting
 * transitions.
 *
 * @param ruleFingerprint identifies the rule definition the aggregates were built for; a changed
 *     rule (e.g. another period) starts its aggregates afresh but keeps the state
 */
record AlarmInstanceState(
    String rule,
    String ruleFingerprint,
    Map<String, String> instance,
    AlarmState state,
    String reason,
    String reasonData,
    long stateTimestampMillis,
    long lastEvaluatedEndMillis,
    NavigableMap<Long, Aggregate> periods) {

  AlarmInstanceState {
    instance = Map.copyOf(instance);
    periods = new TreeMap<>(periods);
  }

  static AlarmInstanceState fresh(
      String rule, String fingerprint, Map<String, String> instance, long lastEvaluatedEnd) {
    return new AlarmInstanceState(
        rule,
        fingerprint,
        instance,
        AlarmState.INSUFFICIENT_DATA,
        "Unchecked: Initial alarm creation",
        null,
        0L,
        lastEvaluatedEnd,
        new TreeMap<>());
  }

  AlarmInstanceState withPeriods(NavigableMap<Long, Aggregate> newPeriods) {
    return new AlarmInstanceState(
        rule,
        ruleFingerprint,
        instance,
        state,
        reason,
        reasonData,
        stateTimestampMillis,
        lastEvaluatedEndMillis,
        newPeriods);
  }

  AlarmInstanceState evaluated(long periodEnd) {
    return new AlarmInstanceState(
        rule,
        ruleFingerprint,
        instance,
        state,
        reason,
        reasonData,
        stateTimestampMillis,
        periodEnd,
        periods);
  }

  AlarmInstanceState transitioned(
      AlarmState newState, String newReason, String newReasonData, long timestamp) {
    return new AlarmInstanceState(
        rule,
        ruleFingerprint,
        instance,
        newState,
        newReason,
        newReasonData,
        timestamp,
        lastEvaluatedEndMillis,
        periods);
  }

  AlarmInstanceState forRule(String fingerprint) {
    return new AlarmInstanceState(
        rule,
        fingerprint,
        instance,
        state,
        reason,
        reasonData,
        stateTimestampMillis,
        lastEvaluatedEndMillis,
        new TreeMap<>());
  }
}
