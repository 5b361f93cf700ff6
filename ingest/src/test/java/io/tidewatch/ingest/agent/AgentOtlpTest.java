package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.otlp.OtlpHttpReceiver;
import io.tidewatch.ingest.otlp.OtlpReceiverConfig;
import io.tidewatch.ingest.otlp.OtlpSink;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import io.tidewatch.testkit.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with an {@code otlp:} output: through the real OTLP/HTTP receiver onto a real broker,
 * an endpoint that goes away and comes back, and local endpoints that refuse or throttle.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AgentOtlpTest {

  private static final String HOST = "otlp-host";

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close(Duration.ofSeconds(5));
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void shouldShipParsedLinesAndHostMetricsThroughTheOtlpReceiver(EmbeddedBroker broker)
      throws Exception {
    Topics topics = topics(broker, "agentotlp1.");
    OtlpHttpReceiver receiver = receiver(broker, topics, 0);
    Path log = dir.resolve("app.log");
    Files.writeString(log, "");
    agent =
        Agent.start(
            config(
                "http://127.0.0.1:" + receiver.port(),
                log,
                "json",
                "hostMetrics: true\ndimensions: {env: test}"),
            quiet());

    append(
        log,
        """
        {"ts":"2026-11-22T10:15:00Z","level":"warn","status":503,"took":1.5,"user":null}
        not json at all
        """);

    List<LogEvent> events = awaitEvents(broker, topics, 2);
    assertThat(events).extracting(LogEvent::logGroup).containsOnly("/app");
    assertThat(events).extracting(LogEvent::logStream).containsOnly(HOST);
    LogEvent parsed = events.get(0);
    assertThat(parsed.message())
        .isEqualTo(
            "{\"ts\":\"2026-11-22T10:15:00Z\",\"level\":\"warn\",\"status\":503,\"took\":1.5,"
                + "\"user\":null}");
    assertThat(parsed.timestamp()).isEqualTo(Instant.parse("2026-11-22T10:15:00Z"));
    assertThat(parsed.fields())
        .containsEntry("level", "warn")
        .containsEntry("status", 503L)
        .containsEntry("took", 1.5)
        .containsEntry("user", null)
        .containsEntry("log.file.path", log.toAbsolutePath().toString())
        .containsEntry("service.name", "/app")
        .containsEntry("host.name", HOST);
    LogEvent rejected = events.get(1);
    assertThat(rejected.message()).isEqualTo("not json at all");
    assertThat((String) rejected.fields().get("parseError")).startsWith("INVALID_JSON: ");

    List<MetricPoint> points = awaitPoints(broker, topics, "tidewatch.agent.records.shipped");
    assertThat(points)
        .filteredOn(point -> point.series().name().equals("system.memory.usage"))
        .isNotEmpty()
        .allSatisfy(
            point -> {
              assertThat(point.series().namespace()).isEqualTo("host");
              assertThat(point.series().dimensions())
                  .as("the same series as the Kafka path writes")
                  .containsOnlyKeys("host", "env", "state")
                  .containsEntry("host", HOST)
                  .containsEntry("env", "test");
              assertThat(point.unit()).isEqualTo("By");
            });
    assertThat(points)
        .extracting(point -> point.series().name())
        .contains("system.cpu.utilization", "system.memory.utilization", "tidewatch.agent.errors");
    assertThat(agent.stats().rejected()).isZero();
    assertThat(agent.statusLine(Instant.now())).endsWith(", otlp ok");
  }

  @Test
  void shouldSpoolWhileTheEndpointIsDownAndDeliverEverythingWhenItIsBack(EmbeddedBroker broker)
      throws Exception {
    Topics topics = topics(broker, "agentotlp2.");
    OtlpHttpReceiver receiver = receiver(broker, topics, 0);
    int port = receiver.port();
    Path log = dir.resolve("app.log");
    Files.writeString(log, "");
    agent = Agent.start(config("http://127.0.0.1:" + port, log, "raw", ""), quiet());
    append(log, lines(1, 5));
    assertThat(messages(awaitEvents(broker, topics, 5))).containsExactlyElementsOf(expected(1, 5));

    receiver.close();
    append(log, lines(6, 30));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(agent.stats().spooled()).isEqualTo(25));
    assertThat(agent.shipper().spooling()).isTrue();
    assertThat(agent.statusLine(Instant.now())).contains("otlp unreachable, spooling");

    receiver(broker, topics, port);
    assertThat(messages(awaitEvents(broker, topics, 30)))
        .containsExactlyElementsOf(expected(1, 30));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(agent.shipper().spooling()).isFalse());
    assertThat(agent.stats().drained()).isEqualTo(25);
    assertThat(agent.shipper().spool().lost()).isZero();
    assertThat(agent.stats().rejected()).isZero();
  }

  @Test
  void shouldCountABatchAnsweredWith400AsRejectedAndNotSendItAgain() throws Exception {
    FakeEndpoint endpoint =
        fakeEndpoint(request -> new Answer(400, "text/plain", "unknown tenant 'web'\n"));
    Path log = dir.resolve("app.log");
    Files.writeString(log, "");
    agent = Agent.start(config(endpoint.url(), log, "raw", ""), quiet());

    append(log, lines(1, 3));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(agent.stats().rejected()).isEqualTo(3));
    Thread.sleep(2 * Agent.LOG_POLL_MILLIS + 2 * OtlpDestination.LINGER_MILLIS);

    assertThat(endpoint.requests()).hasSize(1);
    assertThat(endpoint.requests().get(0).lines()).containsExactlyElementsOf(expected(1, 3));
    assertThat(agent.stats().spooled()).isZero();
    assertThat(agent.stats().shipped()).isZero();
    assertThat(agent.shipper().spooling()).isFalse();
    assertThat(agent.shipper().lastError()).contains("answered 400: unknown tenant 'web'");
    assertThat(agent.statusLine(Instant.now())).contains("rejected 3,").endsWith("otlp ok");
  }

  @Test
  void shouldHonourRetryAfterThenDeliverAndCountAPartialSuccessAsRejected() throws Exception {
    FakeEndpoint endpoint =
        fakeEndpoint(
            request ->
                request == 0
                    ? new Answer(503, "text/plain", "busy", Map.of("Retry-After", "2"))
                    : new Answer(
                        200,
                        "application/x-protobuf",
                        ExportLogsServiceResponse.newBuilder()
                            .setPartialSuccess(
                                ExportLogsPartialSuccess.newBuilder()
                                    .setRejectedLogRecords(1)
                                    .setErrorMessage("one record too old"))
                            .build()
                            .toByteArray()));
    Path log = dir.resolve("app.log");
    Files.writeString(log, "");
    agent = Agent.start(config(endpoint.url(), log, "raw", ""), quiet());

    append(log, lines(1, 4));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(agent.stats().shipped()).isEqualTo(3));

    List<Request> requests = endpoint.requests();
    assertThat(requests).hasSize(2);
    assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
    assertThat(requests.get(1).lines()).containsExactlyElementsOf(expected(1, 4));
    assertThat(agent.stats().spooled()).isEqualTo(4);
    assertThat(agent.stats().drained()).isEqualTo(3);
    assertThat(agent.stats().rejected()).isEqualTo(1);
  }

  private OtlpHttpReceiver receiver(EmbeddedBroker broker, Topics topics, int port)
      throws IOException {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    Producer<String, byte[]> metrics =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    Producer<String, LogEvent> logs =
        new KafkaProducer<>(props, new StringSerializer(), topics.logs().codec().serializer());
    open.add(metrics);
    open.add(logs);
    OtlpHttpReceiver receiver =
        OtlpHttpReceiver.start(
            OtlpReceiverConfig.defaults().withPort(port),
            new OtlpSink(metrics, topics.metrics().name(), logs, topics.logs().name()));
    open.add(receiver);
    return receiver;
  }

  /**
   * Without {@code hostMetrics} in {@code extra}: no host metrics, and an interval of an hour, so
   * that the agent's own metrics do not count among the records of the test.
   */
  private AgentConfig config(String endpoint, Path log, String format, String extra)
      throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        interval: %s
        host: %s
        otlp: {endpoint: "%s", timeout: 2s}
        spool: {dir: "%s"}
        logs:
          - paths: ["%s"]
            format: %s
            logGroup: /app
        %s
        """
            .formatted(
                extra.contains("hostMetrics") ? "1s" : "1h",
                HOST,
                endpoint,
                dir.resolve("spool"),
                log,
                format,
                extra.contains("hostMetrics") ? extra : extra + "\nhostMetrics: false"));
    return AgentConfigLoader.load(file);
  }

  private static Topics topics(EmbeddedBroker broker, String prefix) throws Exception {
    Topics topics = new Topics(prefix);
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    return topics;
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private static String lines(int from, int to) {
    return String.join("\n", expected(from, to)) + "\n";
  }

  private static List<String> expected(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i).toList();
  }

  private static List<String> messages(List<LogEvent> events) {
    return events.stream().map(LogEvent::message).toList();
  }

  /** The events on the logs topic once there are {@code count}, plus any that follow shortly. */
  private static List<LogEvent> awaitEvents(EmbeddedBroker broker, Topics topics, int count) {
    List<LogEvent> events = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> records =
        awaitRecords(broker, topics.logs().name(), got -> got.size() >= count);
    records.forEach(record -> events.add(topics.logs().codec().decode(record)));
    return events;
  }

  /** The points on the metrics topic once one of them is named {@code name}. */
  private static List<MetricPoint> awaitPoints(EmbeddedBroker broker, Topics topics, String name) {
    List<MetricPoint> points = new ArrayList<>();
    awaitRecords(
            broker,
            topics.metrics().name(),
            got ->
                got.stream()
                    .flatMap(record -> topics.metrics().codec().decode(record).points().stream())
                    .anyMatch(point -> point.series().name().equals(name)))
        .forEach(record -> points.addAll(topics.metrics().codec().decode(record).points()));
    return points;
  }

  private static List<ConsumerRecord<String, byte[]>> awaitRecords(
      EmbeddedBroker broker,
      String topic,
      java.util.function.Predicate<List<ConsumerRecord<String, byte[]>>> done) {
    List<ConsumerRecord<String, byte[]>> records =
        new ArrayList<>(
            TopicReader.awaitRecords(
                broker.bootstrapServers(), topic, done, Duration.ofSeconds(60)));
    records.sort(
        java.util.Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::offset)
            .thenComparingInt(ConsumerRecord::partition));
    return records;
  }

  /** What the fake endpoint answers. */
  private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
    Answer(int status, String contentType, String body) {
      this(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    Answer(int status, String contentType, String body, Map<String, String> headers) {
      this(status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Answer(int status, String contentType, byte[] body) {
      this(status, contentType, body, Map.of());
    }
  }

  /** A request the fake endpoint received: when, and the bodies of its log records. */
  private record Request(Instant at, List<String> lines) {}

  /** A local OTLP/HTTP logs endpoint answering the n-th request (from 0) as told. */
  private record FakeEndpoint(HttpServer server, List<Request> requests) {
    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }
  }

  private FakeEndpoint fakeEndpoint(Function<Integer, Answer> answers) throws IOException {
    List<Request> requests = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        OtlpDestination.LOGS_PATH,
        exchange -> {
          Instant at = Instant.now();
          ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body(exchange));
          List<String> lines = new ArrayList<>();
          request
              .getResourceLogsList()
              .forEach(
                  resource ->
                      resource
                          .getScopeLogsList()
                          .forEach(
                              scope ->
                                  scope
                                      .getLogRecordsList()
                                      .forEach(r -> lines.add(r.getBody().getStringValue()))));
          Answer answer = answers.apply(requests.size());
          requests.add(new Request(at, lines));
          answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
          exchange.getResponseHeaders().set("Content-Type", answer.contentType());
          exchange.sendResponseHeaders(answer.status(), answer.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
          }
        });
    server.start();
    open.add(() -> server.stop(0));
    return new FakeEndpoint(server, requests);
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }
}
