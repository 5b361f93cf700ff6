package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.gauge;
import static io.tidewatch.ingest.otlp.OtlpProto.point;
import static io.tidewatch.ingest.otlp.OtlpProto.request;
import static io.tidewatch.ingest.otlp.OtlpProto.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Clients that open a connection, send part of a request and stop (slowloris): they must neither
 * shut other exporters out nor hold their connections for longer than the read timeouts.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OtlpHttpSlowClientTest {

  private static final Topics TOPICS = new Topics("otlpslow.");
  private static final Instant SENT = Instant.parse("2026-11-22T10:15:00Z");
  private static final Duration NEVER_IN_THIS_TEST = Duration.ofMinutes(10);

  private final EmbeddedBroker broker;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<Socket> stalled = new ArrayList<>();
  private Producer<String, byte[]> producer;

  OtlpHttpSlowClientTest(EmbeddedBroker broker) {
    this.broker = broker;
  }

  @BeforeEach
  void start() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterEach
  void stop() throws IOException {
    closeStalled();
    producer.close();
  }

  @Test
  void shouldAnswerAnExporterWhenMoreClientsThanWorkerThreadsStall() throws Exception {
    // timeouts far beyond the test: only the stalled clients' own slots may be taken by them
    OtlpReceiverConfig config =
        OtlpReceiverConfig.defaults()
            .withPort(0)
            .withHeaderTimeout(NEVER_IN_THIS_TEST)
            .withBodyTimeout(NEVER_IN_THIS_TEST);
    int workers = config.workerThreads();
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(config, OtlpSink.metricsOnly(producer, TOPICS.metrics().name()))) {
      for (int i = 0; i < workers; i++) {
        stalled.add(stallInHeaders(receiver.endpoint()));
        stalled.add(stallInBody(receiver.endpoint()));
      }
      // every stalled request is being read by the server, more than there are worker threads
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> receiver.executor().active() == stalled.size());

      HttpResponse<String> response = export(receiver.endpoint());

      assertThat(response.statusCode()).isEqualTo(200);
      closeStalled(); // before the receiver closes, which would wait for the stalled bodies
    }
  }

  @Test
  void shouldCloseStalledConnectionsWhenTheirReadTimeoutsPass() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    OtlpReceiverConfig config =
        OtlpReceiverConfig.defaults()
            .withPort(0)
            .withHeaderTimeout(Duration.ofSeconds(1))
            .withBodyTimeout(Duration.ofSeconds(1));
    try (OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(
            config, OtlpSink.metricsOnly(producer, TOPICS.metrics().name()), registry)) {
      Socket inHeaders = stallInHeaders(receiver.endpoint());
      Socket inBody = stallInBody(receiver.endpoint());
      stalled.add(inHeaders);
      stalled.add(inBody);

      assertThat(closedByServer(inHeaders)).isTrue();
      assertThat(closedByServer(inBody)).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> requestTimeouts(registry) == 1.0); // the body's; headers name no signal
      assertThat(export(receiver.endpoint()).statusCode()).isEqualTo(200);
    }
  }

  private void closeStalled() throws IOException {
    for (Socket socket : stalled) {
      socket.close();
    }
    stalled.clear();
  }

  /** A request line and part of the headers, then nothing. */
  private static Socket stallInHeaders(URI endpoint) throws IOException {
    return send(endpoint, "POST " + endpoint.getPath() + " HTTP/1.1\r\nHost: otlp\r\n");
  }

  /** Complete headers announcing a body of 1000 bytes, then 10 of them. */
  private static Socket stallInBody(URI endpoint) throws IOException {
    return send(
        endpoint,
        "POST "
            + endpoint.getPath()
            + " HTTP/1.1\r\nHost: otlp\r\nContent-Type: application/x-protobuf\r\n"
            + "Content-Length: 1000\r\n\r\n0123456789");
  }

  private static Socket send(URI endpoint, String text) throws IOException {
    Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /**
   * Waits for the server to close the connection: end of stream, or a reset; false when it is still
   * open after 30 s (far beyond the timeouts under test) or answers instead.
   */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  private HttpResponse<String> export(URI endpoint) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    request(resource(), gauge("g", "1", point(SENT, 1))).toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double requestTimeouts(MeterRegistry registry) {
    Counter counter =
        registry
            .find(IngestMeters.DISCARDED)
            .tags("source", "otlp-metrics", "reason", "request_timeout")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
