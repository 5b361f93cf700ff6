package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.CompositeAlarmRule;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends every alarm state (from {@code tw.alarm-state}) to the composite alarms whose rule names
 * the instance or its alarm, keyed by composite name so that all inputs of one composite meet in
 * one task.
 */
final class CompositeRouter implements Processor<String, AlarmStateChange, String, CompositeInput> {

  private final RuleRegistry rules;
  private ProcessorContext<String, CompositeInput> context;

  CompositeRouter(RuleRegistry rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, CompositeInput> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, AlarmStateChange> record) {
    String instance = record.key();
    if (instance == null) {
      return;
    }
    AlarmStateChange change = record.value();
    String alarm = change != null ? change.detail().alarmName() : alarmOf(instance);
    CompositeInput input =
        new CompositeInput(
            instance,
            alarm,
            change == null ? null : change.detail().state().value(),
            change == null ? "removed:" + instance : change.id());
    for (CompositeAlarmRule composite : rules.current().compositesNaming(instance, alarm)) {
      context.forward(record.withKey(composite.name()).withValue(input));
    }
  }

  /** {@code web-cpu-high{host=a}} belongs to {@code web-cpu-high}. */
  private static String alarmOf(String instance) {
    int brace = instance.indexOf('{');
    return brace < 0 ? instance : instance.substring(0, brace);
  }
}
