package io.tidewatch.streams.alarm;

import io.tidewatch.rules.alarm.AlarmDatapoints;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Which input of its alarm a routed datapoint feeds: the metric id of a metric-math alarm (e.g.
 * {@code e} of {@code 100 * e / r}), carried as a record header on the repartition topic so that
 * the datapoint itself stays what it is for every alarm. No header means the alarm's own metric
 * ({@link AlarmDatapoints#PLAIN}).
 */
final class AlarmInputHeader {

  static final String NAME = "tw-alarm-input";

  private AlarmInputHeader() {}

  /**
   * The record with its input header set to {@code input}, or without one for {@link
   * AlarmDatapoints#PLAIN}. The headers are copied: the router forwards one input record to several
   * alarm instances, which share the input's headers object.
   */
  static <V> Record<String, V> tagged(Record<String, V> record, String input) {
    boolean plain = AlarmDatapoints.PLAIN.equals(input);
    Headers headers = record.headers();
    if (plain && headers.lastHeader(NAME) == null) {
      return record;
    }
    Headers copy = new RecordHeaders(headers.toArray());
    copy.remove(NAME);
    if (!plain) {
      copy.add(NAME, input.getBytes(StandardCharsets.UTF_8));
    }
    return record.withHeaders(copy);
  }

  /** The input a record feeds: its header's metric id, or {@link AlarmDatapoints#PLAIN}. */
  static String of(Record<?, ?> record) {
    Header header = record.headers().lastHeader(NAME);
    return header == null || header.value() == null
        ? AlarmDatapoints.PLAIN
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
