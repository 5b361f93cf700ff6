package io.tidewatch.streams.alarm;

import io.tidewatch.rules.AlarmRule;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The announcement that an alarm without {@code groupBy} exists (RULES.md section 2, "Lifetime"):
 * such an alarm is evaluated from {@code rules apply} on, data or not. The router sends it on the
 * repartition topic keyed by the alarm's instance id, exactly like the alarm's datapoints, so it
 * reaches the one evaluator task (and store) that owns the instance and would receive its data,
 * whatever the partition count, after a restart or a rebalance. It carries no sample: a record with
 * the {@link #HEADER} header and a datapoint whose timestamp is when the alarm came to exist (its
 * rules' apply).
 */
final class AlarmExistence {

  static final String HEADER = "tw-alarm-exists";

  private AlarmExistence() {}

  /**
   * The announcement of {@code rule}'s instance.
   *
   * @param existsFromMillis when the alarm came to exist: when its rules were applied
   * @param nowMillis the record's timestamp
   */
  static Record<String, AlarmDatapoint> of(AlarmRule rule, long existsFromMillis, long nowMillis) {
    Headers headers = new RecordHeaders();
    headers.add(HEADER, new byte[0]);
    return new Record<>(
        rule.instanceId(Map.of()),
        new AlarmDatapoint(rule.name(), Map.of(), "", existsFromMillis, Double.NaN),
        nowMillis,
        headers);
  }

  /** Whether the record announces an alarm rather than carrying one of its datapoints. */
  static boolean is(Record<?, ?> record) {
    return record.headers().lastHeader(HEADER) != null;
  }
}
