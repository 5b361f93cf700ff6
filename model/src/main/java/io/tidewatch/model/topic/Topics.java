package io.tidewatch.model.topic;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codec;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.codec.JsonCodec;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricBatch;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The topics of ARCHITECTURE.md under one configurable prefix ({@code tw.} by default), with their
 * codecs and creation settings.
 *
 * <p>Hot topics that may receive back-dated data use {@code LogAppendTime}: with {@code
 * CreateTime}, time-based retention would delete imported or replayed records at the next check.
 * The event time travels inside the value.
 */
public record Topics(String prefix) {

  public static final String DEFAULT_PREFIX = "tw.";
  private static final int HOT_PARTITIONS = 6;
  private static final int CONTROL_PARTITIONS = 6;

  public Topics {
    if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{0,100}")) {
      throw new IllegalArgumentException(
          "topic prefix may hold only letters, digits, '.', '_' and '-', at most 100 of them."
              + " Found: "
              + prefix);
    }
  }

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /**
   * Metric points, keyed by series for single points. A record holds one point or a batch of points
   * of the record's partition ({@link MetricBatch}); write single points with {@link
   * Codecs#METRIC_POINT} if that is simpler, read with this topic's codec.
   */
  public Topic<MetricBatch> metrics() {
    return new Topic<>(prefix + "metrics", Codecs.METRIC_BATCH);
  }

  public Topic<LogEvent> logs() {
    return new Topic<>(prefix + "logs", Codecs.LOG_EVENT);
  }

  /** Rule definitions, one per rule id; JSON, shape owned by the rules publisher. */
  public Topic<JsonNode> rules() {
    return new Topic<>(prefix + "rules", new JsonCodec<>(JsonNode.class));
  }

  /**
   * The latest state change of every alarm instance (compacted; a tombstone when the alarm is
   * removed): the current state, its reason and the datapoints that decided it.
   */
  public Topic<AlarmStateChange> alarmState() {
    return new Topic<>(prefix + "alarm-state", Codecs.ALARM_STATE_CHANGE);
  }

  public Topic<AlarmStateChange> alarmEvents() {
    return new Topic<>(prefix + "alarm-events", Codecs.ALARM_STATE_CHANGE);
  }

  public Topic<ActionRecord> actions() {
    return new Topic<>(prefix + "actions", Codecs.ACTION_RECORD);
  }

  /**
   * Where the file-tailing connector records a position it took without reading a line (a {@code
   * copytruncate} copy followed on from the original's offset), keyed by the file: the record only
   * carries the Connect source offset. JSON {@code {"file", "stream", "offset"}}; compacted.
   */
  public Topic<JsonNode> ingestPositions() {
    return new Topic<>(prefix + "ingest-positions", new JsonCodec<>(JsonNode.class));
  }

  /** A dead-letter topic: original bytes, with the reason and origin in headers. */
  public Topic<byte[]> dlq(String source) {
    return new Topic<>(prefix + "dlq." + source, Codecs.RAW);
  }

  public List<String> dlqSources() {
    return List.of("ingest", "streams", "actions");
  }

  /** Every topic this prefix names, as it should be created. */
  public List<TopicSpec> specs() {
    List<TopicSpec> specs = new java.util.ArrayList<>();
    specs.add(hot(metrics().name(), Duration.ofDays(7)));
    specs.add(hot(logs().name(), Duration.ofDays(7)));
    specs.add(compacted(rules().name(), 1));
    specs.add(compacted(alarmState().name(), CONTROL_PARTITIONS));
    specs.add(
        new TopicSpec(
            alarmEvents().name(),
            CONTROL_PARTITIONS,
            Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(30)))));
    specs.add(compacted(actions().name(), CONTROL_PARTITIONS));
    specs.add(compacted(ingestPositions().name(), 1));
    for (String source : dlqSources()) {
      specs.add(
          new TopicSpec(
              dlq(source).name(),
              1,
              Map.of(
                  "cleanup.policy", "delete",
                  "retention.ms", millis(Duration.ofDays(30)),
                  "message.timestamp.type", "LogAppendTime")));
    }
    return List.copyOf(specs);
  }

  /** The codec of a topic named {@code name}, if it is one of ours. */
  public Optional<Codec<?>> codecOf(String name) {
    Map<String, Codec<?>> codecs = new LinkedHashMap<>();
    codecs.put(metrics().name(), metrics().codec());
    codecs.put(logs().name(), logs().codec());
    codecs.put(rules().name(), rules().codec());
    codecs.put(alarmState().name(), alarmState().codec());
    codecs.put(alarmEvents().name(), alarmEvents().codec());
    codecs.put(actions().name(), actions().codec());
    codecs.put(ingestPositions().name(), ingestPositions().codec());
    for (String source : dlqSources()) {
      codecs.put(dlq(source).name(), Codecs.RAW);
    }
    return Optional.ofNullable(codecs.get(name));
  }

  private static TopicSpec hot(String name, Duration retention) {
    return new TopicSpec(
        name,
        HOT_PARTITIONS,
        Map.of(
            "cleanup.policy", "delete",
            "retention.ms", millis(retention),
            "message.timestamp.type", "LogAppendTime",
            "compression.type", "producer"));
  }

  private static TopicSpec compacted(String name, int partitions) {
    return new TopicSpec(name, partitions, Map.of("cleanup.policy", "compact"));
  }

  private static String millis(Duration duration) {
    return Long.toString(duration.toMillis());
  }
}
