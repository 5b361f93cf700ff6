package io.tidewatch.ingest.agent;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tidewatch.ingest.imports.LogRecords;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns the agent's records into OTLP export requests, so that the Tidewatch OTLP receiver (with
 * its default settings) writes what the Kafka path writes.
 *
 * <p>Metrics: one resource per namespace with only {@code service.namespace} (the namespace, which
 * the receiver takes as the series namespace; a {@code host.name} there would become an extra
 * dimension, so a series would differ from the one the Kafka path writes); one metric per name and
 * unit; each point's dimensions ({@code host} and the configured ones included) as its attributes.
 * Names in {@code sums} (the amounts per interval: {@code system.disk.*}, {@code system.network.*},
 * the agent's record and line counts) become monotonic sums with delta temporality starting one
 * interval before the point; everything else (utilization, usage, load) a gauge.
 *
 * <p>Logs: one resource per log group and stream with {@code service.name} = the log group (the
 * receiver's default group attribute) and {@code host.name} = the agent's host (its default stream
 * attribute); one log record per line with the raw line as body, the line's time (or the read time)
 * as time, the read time as observed time, the parsed fields as typed attributes, and {@code
 * log.file.path}. A line the parser rejected (a record for the DLQ topic on the Kafka path) keeps
 * its raw bytes as body and gets a {@code parseError} attribute ({@code REASON: detail}).
 */
final class OtlpRequests {

  static final String SCOPE = "io.tidewatch.agent";
  static final String PARSE_ERROR = "parseError";
  static final String FILE_PATH = "log.file.path";

  private final String host;
  private final Set<String> sums;
  private final Duration interval;

  /**
   * @param host the agent's host, {@code host.name} of every logs resource
   * @param sums names of the metrics that are amounts per interval
   * @param interval the collection interval: the period of a sum's point
   */
  OtlpRequests(String host, Set<String> sums, Duration interval) {
    this.host = host;
    this.sums = Set.copyOf(sums);
    this.interval = interval;
  }

  ExportMetricsServiceRequest metrics(List<MetricPoint> points) {
    Map<String, Map<String, Metric.Builder>> byNamespace = new LinkedHashMap<>();
    for (MetricPoint point : points) {
      Metric.Builder metric =
          byNamespace
              .computeIfAbsent(point.series().namespace(), namespace -> new LinkedHashMap<>())
              .computeIfAbsent(
                  point.series().name() + "\u0000" + point.unit(),
                  key -> newMetric(point.series().name(), point.unit()));
      long time = nanos(point.timestamp());
      NumberDataPoint.Builder data =
          NumberDataPoint.newBuilder().setTimeUnixNano(time).setAsDouble(point.value());
      point
          .series()
          .dimensions()
          .forEach((key, value) -> data.addAttributes(attribute(key, value)));
      if (metric.hasSum()) {
        data.setStartTimeUnixNano(time - interval.toNanos());
        metric.getSumBuilder().addDataPoints(data);
      } else {
        metric.getGaugeBuilder().addDataPoints(data);
      }
    }
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    byNamespace.forEach(
        (namespace, metrics) -> {
          ScopeMetrics.Builder scope =
              ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE));
          metrics.values().forEach(scope::addMetrics);
          request.addResourceMetrics(
              ResourceMetrics.newBuilder()
                  .setResource(
                      Resource.newBuilder()
                          .addAttributes(attribute("service.namespace", namespace)))
                  .addScopeMetrics(scope));
        });
    return request.build();
  }

  private Metric.Builder newMetric(String name, String unit) {
    Metric.Builder metric = Metric.newBuilder().setName(name).setUnit(unit);
    if (sums.contains(name)) {
      metric.setSum(
          Sum.newBuilder()
              .setIsMonotonic(true)
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA));
    } else {
      metric.setGauge(Gauge.newBuilder());
    }
    return metric;
  }

  /** A log line on its way: the event of a parsed line, or a rejected line with its reason. */
  sealed interface Line permits ParsedLine, RejectedLine {}

  /** A parsed line, as the Kafka path writes it to the logs topic. */
  record ParsedLine(LogEvent event) implements Line {}

  /** A rejected line, as the Kafka path writes it to the DLQ topic: raw bytes, headers. */
  record RejectedLine(ProducerRecord<String, byte[]> record) implements Line {}

  ExportLogsServiceRequest logs(List<Line> lines) {
    Map<String, ScopeLogs.Builder> byStream = new LinkedHashMap<>();
    Map<String, String> groups = new LinkedHashMap<>();
    for (Line line : lines) {
      String group;
      String stream;
      LogRecord.Builder log = LogRecord.newBuilder();
      if (line instanceof ParsedLine parsed) {
        LogEvent event = parsed.event();
        group = event.logGroup();
        stream = event.logStream();
        log.setTimeUnixNano(nanos(event.timestamp()))
            .setObservedTimeUnixNano(nanos(event.ingestTime()))
            .setBody(AnyValue.newBuilder().setStringValue(event.message()));
        event.fields().forEach((key, value) -> log.addAttributes(typed(key, value)));
      } else {
        ProducerRecord<String, byte[]> record = ((RejectedLine) line).record();
        group = header(record, LogRecords.LOG_GROUP);
        stream = header(record, LogRecords.LOG_STREAM);
        observedAt(header(record, LogRecords.FAILED_AT))
            .ifPresent(at -> log.setObservedTimeUnixNano(nanos(at)));
        String detail = header(record, LogRecords.REASON_DETAIL);
        String reason = header(record, LogRecords.REASON);
        log.setBody(
                AnyValue.newBuilder()
                    .setStringValue(new String(record.value(), StandardCharsets.UTF_8)))
            .addAttributes(
                attribute(PARSE_ERROR, detail.isEmpty() ? reason : reason + ": " + detail));
      }
      String path = filePath(stream);
      if (!path.isEmpty()) {
        log.addAttributes(attribute(FILE_PATH, path));
      }
      String key = group + "\u0000" + stream;
      groups.putIfAbsent(key, group);
      byStream
          .computeIfAbsent(
              key,
              k ->
                  ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE)))
          .addLogRecords(log);
    }
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    byStream.forEach(
        (key, scope) ->
            request.addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(attribute("service.name", groups.get(key)))
                            .addAttributes(attribute("host.name", host)))
                    .addScopeLogs(scope)));
    return request.build();
  }

  private static Optional<Instant> observedAt(String failedAt) {
    try {
      return failedAt.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(failedAt));
    } catch (DateTimeParseException e) {
      return Optional.empty(); // the receiver then uses its receive time
    }
  }

  /** The file of a log stream {@code host:path}. */
  private String filePath(String stream) {
    String prefix = host + ":";
    return stream.startsWith(prefix) ? stream.substring(prefix.length()) : "";
  }

  private static String header(ProducerRecord<String, byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null || header.value() == null
        ? ""
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static KeyValue typed(String key, Object value) {
    AnyValue.Builder any = AnyValue.newBuilder();
    if (value instanceof String text) {
      any.setStringValue(text);
    } else if (value instanceof Long number) {
      any.setIntValue(number);
    } else if (value instanceof Double number) {
      any.setDoubleValue(number);
    } else if (value instanceof Boolean flag) {
      any.setBoolValue(flag);
    }
    // null: an absent value (such as '-'), sent as an empty AnyValue, which the receiver keeps null
    return KeyValue.newBuilder().setKey(key).setValue(any).build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
