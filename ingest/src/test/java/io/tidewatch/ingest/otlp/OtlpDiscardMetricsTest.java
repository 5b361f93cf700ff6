package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.attr;
import static io.tidewatch.ingest.otlp.OtlpProto.gauge;
import static io.tidewatch.ingest.otlp.OtlpProto.point;
import static io.tidewatch.ingest.otlp.OtlpProto.request;
import static io.tidewatch.ingest.otlp.OtlpProto.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.meter.MetricsEndpoint;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad OTLP input through the receivers' public entry points (HTTP and gRPC), then a real scrape of
 * {@code /metrics}: every refused point or record is counted by reason, accepted ones too.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OtlpDiscardMetricsTest {

  private static final Topics TOPICS = new Topics("otlpmeters.");
  private static final Instant SENT = Instant.parse("2026-11-22T10:15:00Z");

  private final EmbeddedBroker broker;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Producer<String, byte[]> metrics;
  private Producer<String, LogEvent> logs;
  private MetricsEndpoint endpoint;

  OtlpDiscardMetricsTest(EmbeddedBroker broker) {
    this.broker = broker;
  }

  @BeforeEach
  void start() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            10_000);
    metrics = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    logs = new KafkaProducer<>(props, new StringSerializer(), TOPICS.logs().codec().serializer());
    endpoint = MetricsEndpoint.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    metrics.close();
    logs.close();
  }

  @Test
  void shouldCountNanAndInfinityByReasonWhenPostedOverHttp() throws Exception {
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(config(), sink(), endpoint.registry())) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(receiver.endpoint())
                  .header("Content-Type", "application/x-protobuf")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          request(
                                  resource(attr("service.name", "checkout")),
                                  gauge(
                                      "cpu",
                                      "1",
                                      point(SENT, 0.5),
                                      point(SENT, Double.NaN),
                                      point(SENT, Double.POSITIVE_INFINITY),
                                      point(SENT, Double.NEGATIVE_INFINITY)))
                              .toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }

    assertThat(scrape())
        .contains("tidewatch_discarded_total{reason=\"nan\",source=\"otlp-metrics\"} 1.0\n")
        .contains("tidewatch_discarded_total{reason=\"infinite\",source=\"otlp-metrics\"} 2.0\n")
        .contains("tidewatch_ingested_total{source=\"otlp-metrics\"} 1.0\n");
  }

  @Test
  void shouldCountRefusedLogRecordsWhenTheirLogGroupIsTooLong() throws Exception {
    String longGroup = "g".repeat(LogGrouping.MAX_GROUP_LENGTH + 1);
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource(attr("service.name", longGroup)))
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record("a"))))
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource(attr("service.name", "checkout")))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(record("b"))
                            .addLogRecords(record("c"))))
            .build();
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(config(), sink(), endpoint.registry())) {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(receiver.logsEndpoint())
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(
              ExportLogsServiceResponse.parseFrom(response.body())
                  .getPartialSuccess()
                  .getRejectedLogRecords())
          .isEqualTo(1);
    }

    assertThat(scrape())
        .contains(
            "tidewatch_discarded_total{reason=\"log_group_too_long\",source=\"otlp-logs\"} 1.0\n")
        .contains("tidewatch_ingested_total{source=\"otlp-logs\"} 2.0\n");
  }

  @Test
  void shouldCountRejectedPointsWhenExportedOverGrpc() throws Exception {
    ExportMetricsServiceResponse response;
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.start(config(), sink(), endpoint.registry())) {
      ManagedChannel channel =
          NettyChannelBuilder.forTarget(receiver.target()).usePlaintext().build();
      try {
        response =
            MetricsServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .export(
                    request(
                        resource(attr("service.name", "checkout")),
                        gauge("cpu", "1", point(SENT, Double.NaN), point(SENT, 0.25))));
      } finally {
        channel.shutdownNow();
      }
    }

    assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(scrape())
        .contains("tidewatch_discarded_total{reason=\"nan\",source=\"otlp-metrics\"} 1.0\n")
        .contains("tidewatch_ingested_total{source=\"otlp-metrics\"} 1.0\n");
  }

  @Test
  void shouldCountRefusedRequestsByReasonWhenTheyCanNeverSucceed() throws Exception {
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(config().withMaxBodyBytes(1024), sink(), endpoint.registry())) {
      URI metricsUri = receiver.endpoint();
      URI logsUri = receiver.logsEndpoint();
      byte[] badProtobuf = {0x0A, 0x05, 0x01};
      byte[] numberAsBody =
          "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"severityText\":5}]}]}]}"
              .getBytes(StandardCharsets.UTF_8);

      assertThat(post(metricsUri, "text/plain", new byte[] {1})).isEqualTo(415);
      assertThat(post(metricsUri, "application/x-protobuf", badProtobuf)).isEqualTo(400);
      assertThat(post(metricsUri, "application/x-protobuf", new byte[2048])).isEqualTo(413);
      assertThat(post(metricsUri, "application/x-protobuf", badProtobuf)).isEqualTo(400);
      assertThat(post(logsUri, "application/json", numberAsBody)).isEqualTo(400);
      assertThat(post(logsUri, "application/yaml", new byte[] {1})).isEqualTo(415);
    }

    assertThat(scrape())
        .contains(
            "tidewatch_discarded_total{reason=\"request_unsupported_media_type\","
                + "source=\"otlp-metrics\"} 1.0\n")
        .contains(
            "tidewatch_discarded_total{reason=\"request_malformed\",source=\"otlp-metrics\"}"
                + " 2.0\n")
        .contains(
            "tidewatch_discarded_total{reason=\"request_too_large\",source=\"otlp-metrics\"}"
                + " 1.0\n")
        .contains(
            "tidewatch_discarded_total{reason=\"request_malformed\",source=\"otlp-logs\"} 1.0\n")
        .contains(
            "tidewatch_discarded_total{reason=\"request_unsupported_media_type\","
                + "source=\"otlp-logs\"} 1.0\n");
  }

  @Test
  void shouldRejectItemsWithOversizedFieldsAsPartialSuccessWhenPostedOverHttp() throws Exception {
    ExportLogsServiceRequest logsRequest =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource(attr("service.name", "checkout")))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(record("x".repeat(2 * 1024 * 1024)))
                            .addLogRecords(record("fine"))))
            .build();
    String longName = "n".repeat(600 * 1024);
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(config(), sink(), endpoint.registry())) {
      HttpResponse<byte[]> logsResponse =
          postProtobuf(receiver.logsEndpoint(), logsRequest.toByteArray());
      HttpResponse<byte[]> metricsResponse =
          postProtobuf(
              receiver.endpoint(),
              request(
                      resource(attr("service.name", "checkout")),
                      gauge(longName, "1", point(SENT, 1)),
                      gauge("cpu", "1", point(SENT, 0.5, attr("pod", "p".repeat(2000)))),
                      gauge("cpu", "1", point(SENT, 0.25)))
                  .toByteArray());

      assertThat(logsResponse.statusCode()).isEqualTo(200);
      assertThat(ExportLogsServiceResponse.parseFrom(logsResponse.body()).getPartialSuccess())
          .satisfies(
              partial -> {
                assertThat(partial.getRejectedLogRecords()).isEqualTo(1);
                assertThat(partial.getErrorMessage())
                    .isEqualTo(
                        "rejected 1 log record: log body has 2097152 characters, more than the"
                            + " limit of 262144");
              });
      assertThat(metricsResponse.statusCode()).isEqualTo(200);
      assertThat(ExportMetricsServiceResponse.parseFrom(metricsResponse.body()).getPartialSuccess())
          .satisfies(
              partial -> {
                assertThat(partial.getRejectedDataPoints()).isEqualTo(2);
                assertThat(partial.getErrorMessage())
                    .isEqualTo(
                        "rejected 2 data points: metric name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
                            + "nnnnnnnnnnnnnnnnnnnnnnnnn…' has 614400 characters, more than the"
                            + " limit of 255; metric 'cpu': the value of attribute 'pod' has 2000"
                            + " characters, more than the limit of 1024");
              });
    }

    assertThat(scrape())
        .contains("tidewatch_discarded_total{reason=\"body_too_long\",source=\"otlp-logs\"} 1.0\n")
        .contains("tidewatch_ingested_total{source=\"otlp-logs\"} 1.0\n")
        .contains(
            "tidewatch_discarded_total{reason=\"name_too_long\",source=\"otlp-metrics\"} 1.0\n")
        .contains(
            "tidewatch_discarded_total{reason=\"attribute_too_long\",source=\"otlp-metrics\"}"
                + " 1.0\n")
        .contains("tidewatch_ingested_total{source=\"otlp-metrics\"} 1.0\n");
  }

  @Test
  void shouldAnswer413NotRetryableWhenKafkaRefusesARecordAsTooLarge() throws Exception {
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(config(), sink(), endpoint.registry())) {
      HttpResponse<byte[]> response =
          postProtobuf(receiver.logsEndpoint(), recordLargerThanKafkaTakes().toByteArray());

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
      Status status = Status.parseFrom(response.body());
      assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
      assertThat(status.getMessage())
          .startsWith("Kafka topic 'otlpmeters.logs' refuses a record of this export as too large")
          .endsWith("sent again, it would be refused again");
    }

    assertThat(scrape())
        .contains(
            "tidewatch_discarded_total{reason=\"record_too_large\",source=\"otlp-logs\"} 1.0\n");
  }

  @Test
  void shouldAnswerInvalidArgumentNotUnavailableWhenKafkaRefusesARecordAsTooLargeOverGrpc()
      throws Exception {
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.start(config(), sink(), endpoint.registry())) {
      ManagedChannel channel =
          NettyChannelBuilder.forTarget(receiver.target()).usePlaintext().build();
      try {
        assertThatThrownBy(
                () ->
                    LogsServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .export(recordLargerThanKafkaTakes()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode())
                      .isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription()).contains("too large");
                });
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void shouldRejectAPointWithAnOversizedNameAsPartialSuccessNotUnavailableOverGrpc()
      throws Exception {
    ExportMetricsServiceResponse response;
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.start(config(), sink(), endpoint.registry())) {
      ManagedChannel channel =
          NettyChannelBuilder.forTarget(receiver.target()).usePlaintext().build();
      try {
        response =
            MetricsServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .export(
                    request(
                        resource(attr("service.name", "checkout")),
                        gauge("n".repeat(600 * 1024), "1", point(SENT, 1)),
                        gauge("cpu", "1", point(SENT, 0.25))));
      } finally {
        channel.shutdownNow();
      }
    }

    assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .endsWith("has 614400 characters, more than the limit of 255");
    assertThat(scrape())
        .contains(
            "tidewatch_discarded_total{reason=\"name_too_long\",source=\"otlp-metrics\"} 1.0\n")
        .contains("tidewatch_ingested_total{source=\"otlp-metrics\"} 1.0\n");
  }

  /** A record within every field limit whose attributes make it larger than Kafka's 1 MiB. */
  private static ExportLogsServiceRequest recordLargerThanKafkaTakes() {
    LogRecord.Builder record = record("big").toBuilder();
    for (int i = 0; i < 20; i++) {
      record.addAttributes(attr("part." + i, "v".repeat(60_000)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource(attr("service.name", "checkout")))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
        .build();
  }

  private HttpResponse<byte[]> postProtobuf(URI uri, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private int post(URI uri, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static LogRecord record(String body) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(OtlpProto.nanos(SENT))
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  private static OtlpReceiverConfig config() {
    return OtlpReceiverConfig.defaults().withPort(0);
  }

  private OtlpSink sink() {
    return new OtlpSink(metrics, TOPICS.metrics().name(), logs, TOPICS.logs().name());
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(endpoint.uri()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains(MetricsEndpoint.CONTENT_TYPE);
    return response.body();
  }
}
