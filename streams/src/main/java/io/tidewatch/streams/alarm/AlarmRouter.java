package io.tidewatch.streams.alarm;

import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.rules.AlarmRule;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends each metric point to every alarm instance that watches its series, re-keyed by alarm
 * instance id so that all points of one instance meet in one task, whichever series they come from.
 */
final class AlarmRouter implements Processor<String, MetricPoint, String, AlarmDatapoint> {

  private final RuleRegistry rules;
  private ProcessorContext<String, AlarmDatapoint> context;

  AlarmRouter(RuleRegistry rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, AlarmDatapoint> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, MetricPoint> record) {
    MetricPoint point = record.value();
    if (point == null) {
      return;
    }
    var series = point.series();
    for (AlarmRule rule : rules.current().rulesFor(series.namespace(), series.name())) {
      if (!rule.metric().matches(series.namespace(), series.name(), series.dimensions())) {
        continue;
      }
      Optional<Map<String, String>> instance = rule.instanceOf(series.dimensions());
      if (instance.isEmpty()) {
        continue;
      }
      AlarmDatapoint datapoint =
          new AlarmDatapoint(
              rule.name(),
              instance.get(),
              series.key(),
              point.timestamp().toEpochMilli(),
              point.value());
      context.forward(record.withKey(rule.instanceId(instance.get())).withValue(datapoint));
    }
  }
}
