package io.tidewatch.streams.alarm;

import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.rules.AlarmRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sends each metric point (of a single-point record or of a batch) to every alarm instance that
 * watches its series, re-keyed by alarm instance id so that all points of one instance meet in one
 * task, whichever series they come from. A point selected by a metric-math alarm's metric travels
 * with the metric's id in a header ({@link AlarmInputHeader}); a point selected by several of its
 * metrics is sent once for each.
 *
 * <p>Every alarm without {@code groupBy} is announced the same way ({@link AlarmExistence}) when
 * the task starts and whenever the rules change, checked on the wall clock: the evaluator creates
 * it then, data or not. Every router task announces; the evaluator ignores an alarm it already has.
 */
final class AlarmRouter implements Processor<String, MetricBatch, String, AlarmDatapoint> {

  static final String RECENT_STORE = "series-recent-timestamps";
  static final int REMEMBERED = 32;

  private final RuleRegistry rules;
  private final Duration punctuationInterval;
  private AlarmCatalog announced;
  private KeyValueStore<String, long[]> recent;
  private org.apache.kafka.common.metrics.Sensor duplicates;
  private ProcessorContext<String, AlarmDatapoint> context;

  AlarmRouter(RuleRegistry rules, Duration punctuationInterval) {
    this.rules = rules;
    this.punctuationInterval = punctuationInterval;
  }

  @Override
  public void init(ProcessorContext<String, AlarmDatapoint> context) {
    this.context = context;
    this.recent = context.getStateStore(RECENT_STORE);
    this.duplicates = DiscardSensors.of(context, "duplicate-datapoints-dropped");
    this.announced = null; // a revived task announces again
    context.schedule(punctuationInterval, PunctuationType.WALL_CLOCK_TIME, this::announce);
  }

  /**
   * Announces every alarm without groupBy once per rule set this task sees, as existing from when
   * the rules were applied (or from now, when that is not known).
   */
  private void announce(long now) {
    AlarmCatalog catalog = rules.current();
    if (catalog == announced) {
      return;
    }
    long appliedAt = catalog.appliedAt().map(Instant::toEpochMilli).orElse(now);
    for (AlarmRule rule : catalog.rules().alarms()) {
      if (rule.groupBy().isEmpty()) {
        context.forward(AlarmExistence.of(rule, Math.min(appliedAt, now), now));
      }
    }
    announced = catalog;
  }

  /**
   * Whether this series already delivered a point with this timestamp (an exporter's retry, a
   * replayed batch): such a point must not be counted twice. The last {@link #REMEMBERED}
   * timestamps of each alarmed series are kept; retries arrive close behind the original.
   */
  private boolean duplicate(String series, long timestamp) {
    long[] seen = recent.get(series);
    if (seen != null) {
      for (long earlier : seen) {
        if (earlier == timestamp) {
          duplicates.record();
          return true;
        }
      }
    }
    long[] updated;
    if (seen == null) {
      updated = new long[] {timestamp};
    } else if (seen.length < REMEMBERED) {
      updated = java.util.Arrays.copyOf(seen, seen.length + 1);
      updated[seen.length] = timestamp;
    } else {
      updated = new long[REMEMBERED];
      System.arraycopy(seen, 1, updated, 0, REMEMBERED - 1);
      updated[REMEMBERED - 1] = timestamp;
    }
    recent.put(series, updated);
    return false;
  }

  @Override
  public void process(Record<String, MetricBatch> record) {
    MetricBatch batch = record.value();
    if (batch == null) {
      return;
    }
    for (MetricPoint point : batch.points()) {
      route(point, record);
    }
  }

  private void route(MetricPoint point, Record<String, MetricBatch> record) {
    var series = point.series();
    List<AlarmCatalog.Route> watching =
        rules.current().routesFor(series.namespace(), series.name());
    if (watching.isEmpty()) {
      return;
    }
    String seriesKey = series.key(); // escapes every dimension: once per point
    if (duplicate(seriesKey, point.timestamp().toEpochMilli())) {
      return;
    }
    for (AlarmCatalog.Route route : watching) {
      AlarmRule rule = route.rule();
      if (!route.selector().matches(series.namespace(), series.name(), series.dimensions())) {
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
              seriesKey,
              point.timestamp().toEpochMilli(),
              point.value(),
              point.distribution());
      context.forward(
          AlarmInputHeader.tagged(
              record.withKey(rule.instanceId(instance.get())).withValue(datapoint), route.input()));
    }
  }
}
