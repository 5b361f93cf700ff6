package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.attr;
import static io.tidewatch.ingest.otlp.OtlpProto.gauge;
import static io.tidewatch.ingest.otlp.OtlpProto.point;
import static io.tidewatch.ingest.otlp.OtlpProto.request;
import static io.tidewatch.ingest.otlp.OtlpProto.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The OTLP/gRPC receiver's answers: partial success, limits, Kafka failures, bind errors. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpGrpcReceiverTest {

  private static final Topics TOPICS = new Topics("otlpgrpc1.");
  private static final Instant SENT = Instant.parse("2026-11-22T10:15:00Z");

  private final EmbeddedBroker broker;
  private Producer<String, byte[]> producer;

  OtlpGrpcReceiverTest(EmbeddedBroker broker) {
    this.broker = broker;
  }

  @BeforeAll
  void start() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    producer = producer(Duration.ofSeconds(10));
  }

  @AfterAll
  void stop() {
    producer.close();
  }

  @Test
  void shouldReportPartialSuccessWhenOnePointIsNaN() throws Exception {
    try (OtlpGrpcReceiver receiver = start(OtlpReceiverConfig.defaults().withPort(0), producer)) {
      ExportMetricsServiceResponse response =
          call(
              receiver,
              request(
                  resource(attr("service.name", "api")),
                  gauge("g", "1", point(SENT, 1), point(SENT, Double.NaN))));

      assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
      assertThat(response.getPartialSuccess().getErrorMessage())
          .isEqualTo("rejected 1 data point: metric 'g': value NaN is not a finite number");
    }
  }

  @Test
  void shouldRefuseWithResourceExhaustedWhenTheMessageIsLargerThanTheLimit() throws Exception {
    try (OtlpGrpcReceiver receiver =
        start(OtlpReceiverConfig.defaults().withPort(0).withMaxBodyBytes(1024), producer)) {
      NumberDataPoint[] points = new NumberDataPoint[200];
      for (int i = 0; i < points.length; i++) {
        points[i] = point(SENT, i, attr("index", AnyValue.newBuilder().setIntValue(i).build()));
      }
      ExportMetricsServiceRequest big = request(resource(), gauge("many", "1", points));
      assertThat(big.getSerializedSize()).isGreaterThan(1024);

      assertThatThrownBy(() -> call(receiver, big))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }
  }

  @Test
  void shouldAnswerUnavailableWhenKafkaCannotTakeThePoints() throws Exception {
    try (Producer<String, byte[]> stuck = producer(Duration.ofMillis(500));
        OtlpGrpcReceiver receiver =
            OtlpGrpcReceiver.start(
                OtlpReceiverConfig.defaults().withPort(0),
                OtlpSink.metricsOnly(stuck, "otlpgrpc1.does-not-exist"))) {
      assertThatThrownBy(() -> call(receiver, request(resource(), gauge("g", "1", point(SENT, 1)))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription())
                    .startsWith("cannot write to Kafka topic 'otlpgrpc1.does-not-exist' (")
                    .endsWith("; retry later");
              });
    }
  }

  @Test
  void shouldAnswerUnimplementedForLogsWhenTheSinkTakesMetricsOnly() throws Exception {
    try (OtlpGrpcReceiver receiver = start(OtlpReceiverConfig.defaults().withPort(0), producer)) {
      ManagedChannel channel = channel(receiver);
      try {
        assertThatThrownBy(
                () ->
                    LogsServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .export(ExportLogsServiceRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                  assertThat(e.getStatus().getDescription())
                      .isEqualTo(
                          "this OTLP receiver takes metrics only: logs are not received here");
                });
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void shouldNameThePortWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(
              () -> start(OtlpReceiverConfig.defaults().withPort(taken.getLocalPort()), producer))
          .isInstanceOf(BindException.class)
          .hasMessage(
              "cannot listen for OTLP/gRPC on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (Address already in use): is another receiver running? Choose another"
                  + " port, or 0 for a free one");
    }
  }

  @Test
  void shouldReleaseThePortWhenClosed() throws Exception {
    OtlpGrpcReceiver receiver = start(OtlpReceiverConfig.defaults().withPort(0), producer);
    int port = receiver.port();

    receiver.close();
    receiver.close(); // idempotent

    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  // --- helpers ---

  private static OtlpGrpcReceiver start(
      OtlpReceiverConfig config, Producer<String, byte[]> producer) throws Exception {
    return OtlpGrpcReceiver.start(config, OtlpSink.metricsOnly(producer, TOPICS.metrics().name()));
  }

  private static ManagedChannel channel(OtlpGrpcReceiver receiver) {
    return NettyChannelBuilder.forTarget(receiver.target()).usePlaintext().build();
  }

  private static ExportMetricsServiceResponse call(
      OtlpGrpcReceiver receiver, ExportMetricsServiceRequest request) {
    ManagedChannel channel = channel(receiver);
    try {
      return MetricsServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .export(request);
    } finally {
      channel.shutdownNow();
    }
  }

  private Producer<String, byte[]> producer(Duration maxBlock) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) maxBlock.toMillis());
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }
}
