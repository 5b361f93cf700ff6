package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.CompositeAlarmRule;
import io.tidewatch.rules.alarm.CompositeEvaluator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Evaluates composite alarms (CloudWatch's AlarmRule language) whenever a state they name changes,
 * with the evaluator {@code rules test} uses. A rule naming an alarm with groupBy sees the roll-up
 * of its instances ({@link CompositeEvaluator#rollUp}). Composite state changes go to the same
 * topics as metric alarms', so composites can name composites and actions treat them alike.
 */
final class CompositeEvaluatorProcessor
    implements Processor<String, CompositeInput, String, AlarmStateChange> {

  static final String STORE = "composite-alarms";

  private final RuleRegistry rules;
  private ProcessorContext<String, AlarmStateChange> context;
  private KeyValueStore<String, CompositeState> store;

  CompositeEvaluatorProcessor(RuleRegistry rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, AlarmStateChange> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, CompositeInput> record) {
    Optional<CompositeAlarmRule> found = rules.current().rules().compositeAlarm(record.key());
    if (found.isEmpty() || record.value() == null) {
      return;
    }
    CompositeAlarmRule composite = found.get();
    CompositeState current = store.get(record.key());
    CompositeState state =
        (current == null ? CompositeState.fresh() : current).with(record.value());
    AlarmState evaluated =
        CompositeEvaluator.evaluate(composite.expression(), named(composite, state));
    if (evaluated != state.state()) {
      long now = context.currentSystemTimeMs();
      String reason = CompositeEvaluator.reason(composite.expression(), evaluated);
      String transitionId =
          AlarmEvaluatorProcessor.transitionId(
              composite.name() + '\u0000' + record.value().sourceId(), 0L, evaluated);
      context.forward(
          new Record<>(
              composite.name(),
              event(composite, state, evaluated, reason, transitionId, now),
              now));
      state = state.transitioned(evaluated, reason, now);
    }
    store.put(record.key(), state);
  }

  /**
   * The state of every name the rule uses: an instance id ({@code web-cpu-high{host=a}}) has its
   * own; an alarm name has the roll-up of its instances, which for an alarm without groupBy (one
   * instance) or a composite is simply its state.
   */
  private static Map<String, AlarmState> named(CompositeAlarmRule composite, CompositeState state) {
    Map<String, AlarmState> named = new HashMap<>();
    for (String name : composite.expression().references()) {
      if (name.indexOf('{') >= 0) {
        named.put(name, state.inputs().getOrDefault(name, AlarmState.INSUFFICIENT_DATA));
        continue;
      }
      List<AlarmState> instances = new ArrayList<>();
      state
          .alarmOf()
          .forEach(
              (instance, alarm) -> {
                if (alarm.equals(name)) {
                  instances.add(state.inputs().get(instance));
                }
              });
      named.put(name, CompositeEvaluator.rollUp(instances));
    }
    return named;
  }

  private static AlarmStateChange event(
      CompositeAlarmRule composite,
      CompositeState previous,
      AlarmState evaluated,
      String reason,
      String transitionId,
      long now) {
    Instant time = Instant.ofEpochMilli(now);
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            composite.name(),
            composite.name(),
            Map.of(),
            new AlarmStateChange.State(evaluated, reason, null, time),
            new AlarmStateChange.State(
                previous.state(),
                previous.reason(),
                null,
                previous.stateTimestampMillis() == 0
                    ? null
                    : Instant.ofEpochMilli(previous.stateTimestampMillis())),
            null,
            composite.labels(),
            composite.runbook());
    return AlarmStateChange.of(transitionId, time, detail);
  }
}
