package io.tidewatch.model.codec;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;

/** The codec of each record type; stateless and thread-safe. */
public final class Codecs {

  /** One point: a valid {@code tw.metrics} record on its own (see {@link #METRIC_BATCH}). */
  public static final Codec<MetricPoint> METRIC_POINT = new MetricPointCodec();

  /** {@code tw.metrics} records as they are read: one point or a batch. */
  public static final Codec<MetricBatch> METRIC_BATCH = new MetricBatchCodec();

  public static final Codec<LogEvent> LOG_EVENT = new LogEventCodec();
  public static final Codec<AlarmStateChange> ALARM_STATE_CHANGE =
      new JsonCodec<>(AlarmStateChange.class);
  public static final Codec<ActionRecord> ACTION_RECORD = new JsonCodec<>(ActionRecord.class);
  public static final Codec<byte[]> RAW = new RawCodec();

  private Codecs() {}
}
