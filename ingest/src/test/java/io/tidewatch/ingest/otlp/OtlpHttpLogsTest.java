package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.attr;
import static io.tidewatch.ingest.otlp.OtlpProto.nanos;
import static io.tidewatch.ingest.otlp.OtlpProto.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/logs} end to end: HTTP in, {@code LogEvent}s out of a real embedded broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpHttpLogsTest {

  private static final Topics TOPICS = new Topics("otlplogs1.");
  private static final Instant NOW = Instant.parse("2026-11-22T10:15:30.123456Z");
  private static final Instant LOGGED = Instant.parse("2026-11-22T10:15:00.555777Z");
  private static final Instant OBSERVED = Instant.parse("2026-11-22T10:15:01.250Z");
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final byte[] TRACE_ID =
      HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c");
  private static final byte[] SPAN_ID = HexFormat.of().parseHex("eee19b7ec3c1b174");

  private final EmbeddedBroker broker;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Producer<String, byte[]> metricsProducer;
  private Producer<String, LogEvent> logsProducer;
  private KafkaConsumer<String, byte[]> consumer;
  private List<TopicPartition> partitions;
  private OtlpHttpReceiver receiver;

  OtlpHttpLogsTest(EmbeddedBroker broker) {
    this.broker = broker;
  }

  @BeforeAll
  void start() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    metricsProducer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    logsProducer =
        new KafkaProducer<>(props, new StringSerializer(), TOPICS.logs().codec().serializer());
    consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    partitions =
        consumer.partitionsFor(TOPICS.logs().name()).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    consumer.assign(partitions);
    receiver =
        OtlpHttpReceiver.start(
            OtlpReceiverConfig.defaults().withPort(0),
            new OtlpSink(
                metricsProducer, TOPICS.metrics().name(), logsProducer, TOPICS.logs().name()),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  void stop() {
    receiver.close();
    metricsProducer.close();
    logsProducer.close();
    consumer.close();
  }

  @Test
  void shouldWriteOneLogEventPerRecordWithGroupStreamMessageAndTypedFields() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    LogRecord record =
        LogRecord.newBuilder()
            .setTimeUnixNano(nanos(LOGGED))
            .setObservedTimeUnixNano(nanos(OBSERVED))
            .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
            .setSeverityText("ERROR")
            .setBody(string("payment declined"))
            .addAttributes(attr("http.status_code", AnyValue.newBuilder().setIntValue(402).build()))
            .addAttributes(attr("amount", AnyValue.newBuilder().setDoubleValue(12.5).build()))
            .addAttributes(attr("retried", AnyValue.newBuilder().setBoolValue(true).build()))
            .addAttributes(attr("user", "u-17"))
            .setTraceId(ByteString.copyFrom(TRACE_ID))
            .setSpanId(ByteString.copyFrom(SPAN_ID))
            .build();

    HttpResponse<byte[]> response =
        post(
            PROTOBUF,
            logs(
                    resource(
                        attr("service.name", "checkout"),
                        attr("host.name", "web-1"),
                        attr("process.pid", "4242")),
                    record)
                .toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(PROTOBUF);
    assertThat(ExportLogsServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    List<ConsumerRecord<String, byte[]>> records = records(before);
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("checkout|web-1");
    LogEvent event = TOPICS.logs().codec().decode(records.get(0));
    Map<String, Object> fields = new HashMap<>();
    fields.put("service.name", "checkout");
    fields.put("host.name", "web-1");
    fields.put("http.status_code", 402L);
    fields.put("amount", 12.5);
    fields.put("retried", true);
    fields.put("user", "u-17");
    fields.put("severityText", "ERROR");
    fields.put("severityNumber", 17L);
    fields.put("traceId", "5b8efff798038103d269b633813fc60c");
    fields.put("spanId", "eee19b7ec3c1b174");
    assertThat(event)
        .isEqualTo(
            new LogEvent(
                Instant.parse("2026-11-22T10:15:00.555Z"),
                Instant.parse("2026-11-22T10:15:30.123Z"),
                "checkout",
                "web-1",
                "payment declined",
                fields,
                null));
  }

  @Test
  void shouldFallBackToObservedTimeDefaultGroupAndJsonBodyWhenRecordHasLittle() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    LogRecord observedOnly =
        LogRecord.newBuilder()
            .setObservedTimeUnixNano(nanos(OBSERVED))
            .setBody(
                AnyValue.newBuilder()
                    .setKvlistValue(
                        KeyValueList.newBuilder()
                            .addValues(attr("event", "login"))
                            .addValues(
                                attr("ok", AnyValue.newBuilder().setBoolValue(false).build()))))
            .build();
    LogRecord noTimeAtAll = LogRecord.newBuilder().setBody(string("tick")).build();

    HttpResponse<byte[]> response =
        post(PROTOBUF, logs(resource(), observedOnly, noTimeAtAll).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    List<LogEvent> events = events(before);
    assertThat(events).extracting(LogEvent::logGroup).containsOnly("otlp");
    assertThat(events).extracting(LogEvent::logStream).containsOnly("");
    assertThat(events)
        .extracting(LogEvent::message, LogEvent::timestamp)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "{\"event\":\"login\",\"ok\":false}", Instant.parse("2026-11-22T10:15:01.250Z")),
            org.assertj.core.groups.Tuple.tuple("tick", Instant.parse("2026-11-22T10:15:30.123Z")));
  }

  @Test
  void shouldTakeOtlpJsonWithHexIdsAndGzipAndAnswerJson() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    String json =
        """
        {"resourceLogs":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"api"}}]},
          "scopeLogs":[{"logRecords":[{
            "timeUnixNano":"1763806500555000000",
            "severityNumber":9,
            "body":{"stringValue":"GET /health 200"},
            "traceId":"5b8efff798038103d269b633813fc60c",
            "spanId":"eee19b7ec3c1b174",
            "attributes":[{"key":"latency_ms","value":{"intValue":"3"}}]}]}]}]}
        """;

    HttpResponse<byte[]> response =
        post(JSON, gzip(json.getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    LogEvent event = events(before).get(0);
    assertThat(event.logGroup()).isEqualTo("api");
    assertThat(event.message()).isEqualTo("GET /health 200");
    assertThat(event.timestamp()).isEqualTo(Instant.ofEpochMilli(1763806500555L));
    assertThat(event.fields())
        .containsEntry("traceId", "5b8efff798038103d269b633813fc60c")
        .containsEntry("spanId", "eee19b7ec3c1b174")
        .containsEntry("latency_ms", 3L)
        .containsEntry("severityNumber", 9L);
  }

  @Test
  void shouldReportPartialSuccessAndWriteTheRestWhenALogGroupIsTooLong() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(resourceLogs(resource(attr("service.name", "x".repeat(513))), 2))
            .addResourceLogs(resourceLogs(resource(attr("service.name", "ok")), 1))
            .build();

    HttpResponse<byte[]> response = post(JSON, JsonFormat.printer().print(request).getBytes());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportLogsServiceResponse.Builder body = ExportLogsServiceResponse.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), body);
    assertThat(body.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(body.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "rejected 2 log records: log group from resource attribute 'service.name' is longer"
                + " than 512 characters (2 records)");
    assertThat(events(before)).extracting(LogEvent::logGroup).containsExactly("ok");
  }

  @Test
  void shouldTakeGroupAndStreamFromConfiguredAttributes() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    try (OtlpHttpReceiver configured =
        OtlpHttpReceiver.start(
            OtlpReceiverConfig.defaults()
                .withPort(0)
                .withLogGrouping(new LogGrouping("k8s.namespace.name", "default", "k8s.pod.name")),
            new OtlpSink(
                metricsProducer, TOPICS.metrics().name(), logsProducer, TOPICS.logs().name()))) {
      byte[] body =
          logs(
                  resource(attr("k8s.namespace.name", "shop"), attr("k8s.pod.name", "cart-7f9")),
                  LogRecord.newBuilder().setBody(string("started")).build())
              .toByteArray();

      HttpResponse<byte[]> response = post(configured.logsEndpoint(), PROTOBUF, body);

      assertThat(response.statusCode()).isEqualTo(200);
    }
    assertThat(events(before))
        .extracting(LogEvent::logGroup, LogEvent::logStream)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shop", "cart-7f9"));
  }

  @Test
  void shouldAnswer400AndWriteNothingWhenLogsBodyIsMalformed() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();

    HttpResponse<byte[]> response = post(JSON, "{\"resourceLogs\": [".getBytes());

    assertThat(response.statusCode()).isEqualTo(400);
    Status.Builder status = Status.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), status);
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .startsWith("cannot parse the body as an OTLP JSON ExportLogsServiceRequest: ");
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void shouldAnswer413WhenGzipLogsBodyInflatesPastTheLimit() throws Exception {
    try (OtlpHttpReceiver small =
        OtlpHttpReceiver.start(
            OtlpReceiverConfig.defaults().withPort(0).withMaxBodyBytes(1024),
            new OtlpSink(
                metricsProducer, TOPICS.metrics().name(), logsProducer, TOPICS.logs().name()))) {
      byte[] inflating = gzip(new byte[64 * 1024]);
      assertThat(inflating.length).isLessThan(1024);

      HttpResponse<byte[]> response =
          post(small.logsEndpoint(), PROTOBUF, inflating, "Content-Encoding", "gzip");

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(Status.parseFrom(response.body()).getMessage())
          .isEqualTo(
              "decompressed request body is larger than the limit of 1024 bytes (maxBodyBytes)");
    }
  }

  @Test
  void shouldAnswer404WhenTheReceiverTakesMetricsOnly() throws Exception {
    try (OtlpHttpReceiver metricsOnly =
        OtlpHttpReceiver.start(
            OtlpReceiverConfig.defaults().withPort(0), metricsProducer, TOPICS.metrics().name())) {
      HttpResponse<byte[]> response = post(metricsOnly.logsEndpoint(), PROTOBUF, new byte[0]);

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(Status.parseFrom(response.body()).getMessage())
          .isEqualTo("this OTLP receiver takes metrics only: logs are not received here");
    }
  }

  // --- helpers ---

  private static AnyValue string(String text) {
    return AnyValue.newBuilder().setStringValue(text).build();
  }

  private static ExportLogsServiceRequest logs(Resource resource, LogRecord... records) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource)
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(Arrays.asList(records))))
        .build();
  }

  private static ResourceLogs resourceLogs(Resource resource, int records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(LogRecord.newBuilder().setBody(string("line " + i)));
    }
    return ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope).build();
  }

  private HttpResponse<byte[]> post(String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    return post(receiver.logsEndpoint(), contentType, body, headers);
  }

  private HttpResponse<byte[]> post(URI uri, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    }
    return out.toByteArray();
  }

  private Map<TopicPartition, Long> endOffsets() {
    return consumer.endOffsets(partitions);
  }

  private List<LogEvent> events(Map<TopicPartition, Long> before) {
    return records(before).stream().map(r -> TOPICS.logs().codec().decode(r)).toList();
  }

  private List<ConsumerRecord<String, byte[]>> records(Map<TopicPartition, Long> before) {
    Map<TopicPartition, Long> end = endOffsets();
    before.forEach(consumer::seek);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      assertThat(System.nanoTime() - deadline).as("reading the written records").isNegative();
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
          records.add(record);
        }
      }
    }
    return records;
  }
}
