package io.tidewatch.ingest.otlp;

import io.tidewatch.model.log.LogEvent;
import java.util.Objects;
import org.apache.kafka.clients.producer.Producer;

/**
 * Where an OTLP receiver writes: metric points to the metrics topic and, when {@code logs} is set,
 * log events to the logs topic. The metrics producer takes record values as bytes (a {@code
 * ByteArraySerializer}): the receiver encodes its batches itself ({@link MetricBatcher}). The
 * producers are shared by all requests and owned by the caller: receivers never close them. Their
 * {@code max.block.ms} bounds how long a request can wait for metadata when Kafka is unreachable;
 * keep it at or below {@link OtlpReceiverConfig#ackTimeout()}.
 *
 * @param logs null when this receiver takes no logs ({@code /v1/logs} then answers 404)
 * @param logsTopic the logs topic, usually {@code topics.logs().name()}; null when {@code logs} is
 */
public record OtlpSink(
    Producer<String, byte[]> metrics,
    String metricsTopic,
    Producer<String, LogEvent> logs,
    String logsTopic) {

  public OtlpSink {
    Objects.requireNonNull(metrics, "metrics");
    if (metricsTopic == null || metricsTopic.isBlank()) {
      throw new IllegalArgumentException(
          "metricsTopic: the topic to write points to (topics.metrics().name()). Found: "
              + metricsTopic);
    }
    if (logs != null && (logsTopic == null || logsTopic.isBlank())) {
      throw new IllegalArgumentException(
          "logsTopic: the topic to write log events to (topics.logs().name()). Found: "
              + logsTopic);
    }
  }

  /** Metrics only: log exports are refused. */
  public static OtlpSink metricsOnly(Producer<String, byte[]> metrics, String metricsTopic) {
    return new OtlpSink(metrics, metricsTopic, null, null);
  }

  boolean takesLogs() {
    return logs != null;
  }
}
