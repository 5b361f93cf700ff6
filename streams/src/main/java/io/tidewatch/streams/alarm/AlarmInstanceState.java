package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.AnomalyBand;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.AlarmDatapoints;
import io.tidewatch.rules.alarm.AnomalyModel;
import java.util.Collections;
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
 * @param periods a plain alarm's aggregates by period start (empty for metric math)
 * @param inputs a metric-math alarm's aggregates by metric id and period start (empty for a plain
 *     alarm)
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
    NavigableMap<Long, Aggregate> periods,
    AnomalyModel model,
    NavigableMap<Long, AnomalyModel.Band> bands,
    Map<String, NavigableMap<Long, Aggregate>> inputs) {

  AlarmInstanceState {
    instance = Map.copyOf(instance);
    periods = new TreeMap<>(periods);
    model = model == null ? AnomalyModel.empty() : model;
    bands = bands == null ? new TreeMap<>() : new TreeMap<>(bands);
    Map<String, NavigableMap<Long, Aggregate>> copy = new TreeMap<>();
    if (inputs != null) {
      inputs.forEach((id, aggregates) -> copy.put(id, new TreeMap<>(aggregates)));
    }
    inputs = Collections.unmodifiableMap(copy);
  }

  /**
   * The aggregates of every input of {@code rule}, as {@link AlarmDatapoints#between} takes them:
   * {@link #periods()} for a plain alarm, {@link #inputs()} for a metric-math alarm.
   */
  Map<String, NavigableMap<Long, Aggregate>> aggregates(AlarmRule rule) {
    return rule.hasMetricMath() ? inputs : Map.of(AlarmDatapoints.PLAIN, periods);
  }

  /** The aggregates of one input ({@link AlarmDatapoints#PLAIN} or a metric-math id). */
  NavigableMap<Long, Aggregate> aggregatesOf(String input) {
    if (AlarmDatapoints.PLAIN.equals(input)) {
      return periods;
    }
    NavigableMap<Long, Aggregate> known = inputs.get(input);
    return known == null ? new TreeMap<>() : known;
  }

  /** This state with new aggregates for one input. */
  AlarmInstanceState withAggregates(String input, NavigableMap<Long, Aggregate> aggregates) {
    if (AlarmDatapoints.PLAIN.equals(input)) {
      return withPeriods(aggregates);
    }
    Map<String, NavigableMap<Long, Aggregate>> newInputs = new TreeMap<>(inputs);
    newInputs.put(input, aggregates);
    return new AlarmInstanceState(
        rule,
        ruleFingerprint,
        instance,
        state,
        reason,
        reasonData,
        stateTimestampMillis,
        lastEvaluatedEndMillis,
        periods,
        model,
        bands,
        newInputs);
  }

  /**
   * Learns the period that ends at {@code periodEnd} into the anomaly model, keeping the band the
   * model gave before it (a datapoint is judged against what came before it, as CloudWatch's model
   * does). Called once per period, in time order.
   */
  AlarmInstanceState learned(AnomalyBand width, long periodStart, Double value) {
    NavigableMap<Long, AnomalyModel.Band> newBands = new TreeMap<>(bands);
    model.band(width).ifPresent(band -> newBands.put(periodStart, band));
    AnomalyModel newModel = value == null ? model : model.learn(value);
    return new AlarmInstanceState(
        rule,
        ruleFingerprint,
        instance,
        state,
        reason,
        reasonData,
        stateTimestampMillis,
        lastEvaluatedEndMillis,
        periods,
        newModel,
        newBands,
        inputs);
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
        new TreeMap<>(),
        AnomalyModel.empty(),
        new TreeMap<>(),
        Map.of());
  }

  /** Forgets periods (and their bands) that start before {@code from}: out of every range now. */
  AlarmInstanceState pruned(long from) {
    return new AlarmInstanceState(
        rule,
        ruleFingerprint,
        instance,
        state,
        reason,
        reasonData,
        stateTimestampMillis,
        lastEvaluatedEndMillis,
        periods.tailMap(from, true),
        model,
        bands.tailMap(from, true),
        prunedInputs(from));
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
        newPeriods,
        model,
        bands,
        inputs);
  }

  /**
   * Whether the instance has neither seen a datapoint nor changed state since it was created: an
   * alarm without groupBy announced before its data, whose evaluations so far kept the initial
   * state and emitted nothing.
   */
  boolean untouched() {
    return state == AlarmState.INSUFFICIENT_DATA
        && stateTimestampMillis == 0
        && periods.isEmpty()
        && inputs.isEmpty();
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
        periods,
        model,
        bands,
        inputs);
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
        periods,
        model,
        bands,
        inputs);
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
        new TreeMap<>(),
        AnomalyModel.empty(),
        new TreeMap<>(),
        Map.of());
  }

  private Map<String, NavigableMap<Long, Aggregate>> prunedInputs(long from) {
    Map<String, NavigableMap<Long, Aggregate>> pruned = new TreeMap<>();
    inputs.forEach((id, aggregates) -> pruned.put(id, aggregates.tailMap(from, true)));
    return pruned;
  }
}
