package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.tidewatch.ingest.imports.LogRecords;
import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OtlpRequestsTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:15:30.250Z");
  private static final OtlpRequests REQUESTS =
      new OtlpRequests("web-1", HostMetrics.COUNTERS, Duration.ofSeconds(10));

  @Test
  void shouldSendCountersAsDeltaSumsAndTheRestAsGaugesWithDimensionsAsAttributes() {
    ExportMetricsServiceRequest request =
        REQUESTS.metrics(
            List.of(
                point("system.memory.usage", 1024, "By", "state", "used"),
                point("system.memory.usage", 2048, "By", "state", "free"),
                point("system.network.io", 4096, "By", "direction", "receive")));

    assertThat(request.getResourceMetricsCount()).isEqualTo(1);
    assertThat(attributes(request.getResourceMetrics(0).getResource().getAttributesList()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("service.namespace", "host"));
    Map<String, Metric> metrics =
        request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
            .collect(Collectors.toMap(Metric::getName, metric -> metric));
    Metric usage = metrics.get("system.memory.usage");
    assertThat(usage.hasGauge()).isTrue();
    assertThat(usage.getUnit()).isEqualTo("By");
    assertThat(usage.getGauge().getDataPointsList())
        .extracting(NumberDataPoint::getAsDouble)
        .containsExactly(1024.0, 2048.0);
    NumberDataPoint used = usage.getGauge().getDataPoints(0);
    assertThat(attributes(used.getAttributesList()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("host", "web-1", "env", "prod", "state", "used"));
    assertThat(used.getTimeUnixNano()).isEqualTo(nanos(NOW));

    Metric network = metrics.get("system.network.io");
    assertThat(network.hasSum()).isTrue();
    assertThat(network.getSum().getIsMonotonic()).isTrue();
    assertThat(network.getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    NumberDataPoint received = network.getSum().getDataPoints(0);
    assertThat(received.getAsDouble()).isEqualTo(4096.0);
    assertThat(received.getStartTimeUnixNano()).isEqualTo(nanos(NOW.minusSeconds(10)));
  }

  @Test
  void shouldGroupLinesByLogGroupAndKeepTheLineFieldsAndParseErrors() {
    LogRecords records = new LogRecords(new Topics("tw."), "json");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", 503L);
    fields.put("took", 1.5);
    fields.put("ok", false);
    fields.put("user", null);
    fields.put("level", "warn");
    ProducerRecord<String, byte[]> parsed =
        records.record(
            "/app",
            "web-1:/var/log/app.log",
            bytes("{\"status\":503}"),
            14,
            14,
            new Parsed(Instant.parse("2026-11-22T10:15:00Z"), fields),
            NOW,
            "/var/log/app.log",
            0);
    ProducerRecord<String, byte[]> rejected =
        records.record(
            "/app",
            "web-1:/var/log/app.log",
            bytes("oops"),
            4,
            4,
            new Rejected(RejectReason.INVALID_JSON, "not an object"),
            NOW,
            "/var/log/app.log",
            0);

    ExportLogsServiceRequest request =
        REQUESTS.logs(
            List.of(
                new OtlpRequests.ParsedLine(Codecs.LOG_EVENT.decode("tw.logs", parsed.value())),
                new OtlpRequests.RejectedLine(rejected)));

    assertThat(request.getResourceLogsCount()).isEqualTo(1);
    assertThat(attributes(request.getResourceLogs(0).getResource().getAttributesList()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("service.name", "/app", "host.name", "web-1"));
    List<LogRecord> logs = request.getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
    assertThat(logs).hasSize(2);
    LogRecord line = logs.get(0);
    assertThat(line.getBody().getStringValue()).isEqualTo("{\"status\":503}");
    assertThat(line.getTimeUnixNano()).isEqualTo(nanos(Instant.parse("2026-11-22T10:15:00Z")));
    assertThat(line.getObservedTimeUnixNano()).isEqualTo(nanos(NOW));
    Map<String, AnyValue> attributes = new HashMap<>();
    line.getAttributesList().forEach(kv -> attributes.put(kv.getKey(), kv.getValue()));
    assertThat(attributes.get("status").getIntValue()).isEqualTo(503L);
    assertThat(attributes.get("took").getDoubleValue()).isEqualTo(1.5);
    assertThat(attributes.get("ok").hasBoolValue()).isTrue();
    assertThat(attributes.get("level").getStringValue()).isEqualTo("warn");
    assertThat(attributes.get("user").getValueCase()).isEqualTo(AnyValue.ValueCase.VALUE_NOT_SET);
    assertThat(attributes.get("log.file.path").getStringValue()).isEqualTo("/var/log/app.log");

    LogRecord bad = logs.get(1);
    assertThat(bad.getBody().getStringValue()).isEqualTo("oops");
    assertThat(attributes(bad.getAttributesList()))
        .containsEntry("parseError", "INVALID_JSON: not an object")
        .containsEntry("log.file.path", "/var/log/app.log");
  }

  private static MetricPoint point(String name, double value, String unit, String... pair) {
    Map<String, String> dimensions = new HashMap<>(Map.of("host", "web-1", "env", "prod"));
    dimensions.put(pair[0], pair[1]);
    return new MetricPoint(SeriesId.of("host", name, dimensions), NOW, value, unit);
  }

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
