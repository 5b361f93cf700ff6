package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 4: a real nginx (the Debian package) writes its access log, the agent ships it, and
 * the events on {@code tw.logs} match the requests made; then the broker is stopped for 30 s while
 * requests go on, and nothing is lost once it is back.
 */
class AgentNginxTest {

  private static final String PREFIX = "agentnginx.";
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Process nginx;
  private EmbeddedBroker broker;
  private Agent agent;

  /** One request as the client saw it, and as an access-log event must show it. */
  record Request(String method, String path, long status, long bytes) {}

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close(Duration.ofSeconds(5));
    }
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldShipEveryRequestOfARealNginxAndLoseNothingWhileTheBrokerIsDownFor30Seconds()
      throws Exception {
    Path kafkaDir = Files.createDirectories(dir.resolve("kafka"));
    int kafkaPort = EmbeddedBroker.freePort();
    broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(kafkaDir, kafkaPort));
    Topics topics = new Topics(PREFIX);
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }

    int httpPort = EmbeddedBroker.freePort();
    Path accessLog = startNginx(httpPort);

    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        interval: 1s
        host: test-host
        dimensions: {env: test}
        kafka: {bootstrapServers: "%s", topicPrefix: %s}
        spool: {dir: "%s", maxBytes: 64MiB}
        logs:
          - paths: ["%s"]
            format: nginx
            logGroup: /nginx/access
        """
            .formatted(broker.bootstrapServers(), PREFIX, dir.resolve("spool"), accessLog));
    ByteArrayOutputStream statusBytes = new ByteArrayOutputStream();
    PrintStream status = new PrintStream(statusBytes, true, StandardCharsets.UTF_8);
    agent = Agent.start(AgentConfigLoader.load(config), status);

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<Request> made = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      made.add(request(http, httpPort, i));
    }
    Map<Request, Integer> shipped = awaitEvents(topics, made);
    assertThat(shipped.keySet()).containsExactlyInAnyOrderElementsOf(made);
    assertThat(shipped.values()).allMatch(count -> count == 1);
    assertThat(made).anyMatch(r -> r.status() == 404).anyMatch(r -> r.method().equals("POST"));

    // The broker goes away for 30 s; nginx keeps serving and the agent keeps reading.
    broker.close();
    broker = null;
    long outageEnd = System.nanoTime() + OUTAGE.toNanos();
    int i = 150;
    while (System.nanoTime() < outageEnd) {
      made.add(request(http, httpPort, i++));
      Thread.sleep(100);
    }
    assertThat(agent.stats().spooled()).as("records spooled during the outage").isPositive();
    assertThat(agent.shipper().spooling()).isTrue();

    broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(kafkaDir, kafkaPort));
    for (int after = 0; after < 20; after++) {
      made.add(request(http, httpPort, i++));
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(agent.shipper().spooling()).isFalse());

    Map<Request, Integer> all = awaitEvents(topics, made);
    assertThat(all.keySet()).containsExactlyInAnyOrderElementsOf(made);
    assertThat(agent.shipper().spool().lost()).isZero();
    assertThat(agent.stats().drained()).isPositive();
    assertThat(statusBytes.toString(StandardCharsets.UTF_8))
        .contains("agent test-host: shipped ")
        .contains("kafka unreachable, spooling");

    // Host metrics and the agent's own metrics went to tw.metrics, with the host dimension.
    assertThat(metricNames(topics))
        .contains(
            "system.cpu.utilization", "system.memory.usage", "tidewatch.agent.records.shipped");
  }

  private Path startNginx(int port) throws Exception {
    Path prefix = Files.createDirectories(dir.resolve("nginx"));
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("temp"));
    Path accessLog = prefix.resolve("logs/access.log");
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(
        conf,
        """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log;
        events { worker_connections 64; }
        http {
          access_log %1$s/logs/access.log combined;
          client_body_temp_path %1$s/temp/body;
          proxy_temp_path %1$s/temp/proxy;
          fastcgi_temp_path %1$s/temp/fastcgi;
          uwsgi_temp_path %1$s/temp/uwsgi;
          scgi_temp_path %1$s/temp/scgi;
          server {
            listen 127.0.0.1:%2$d;
            location /ok/ { return 200 "hello $uri\\n"; }
            location /gone/ { return 404; }
          }
        }
        """
            .formatted(prefix, port));
    nginx =
        new ProcessBuilder(
                "/usr/sbin/nginx",
                "-p",
                prefix.toString(),
                "-c",
                conf.toString(),
                "-e",
                prefix.resolve("logs/error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
            .start();
    await().atMost(Duration.ofSeconds(20)).until(() -> accepts(port) && Files.exists(accessLog));
    return accessLog;
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Request request(HttpClient http, int port, int i) throws Exception {
    boolean missing = i % 7 == 3;
    String path = (missing ? "/gone/" : "/ok/") + "r" + i;
    boolean post = i % 5 == 1;
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    builder = post ? builder.POST(HttpRequest.BodyPublishers.ofString("x=" + i)) : builder.GET();
    HttpResponse<byte[]> response =
        http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Request(post ? "POST" : "GET", path, response.statusCode(), response.body().length);
  }

  /** The events on tw.logs as requests, with how often each appears, once all expected arrived. */
  private Map<Request, Integer> awaitEvents(Topics topics, List<Request> expected) {
    Map<Request, Integer> seen = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      String topic = topics.logs().name();
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(300))) {
                  LogEvent event = Codecs.LOG_EVENT.decode(record);
                  assertThat(event.parseError()).isNull();
                  assertThat(event.logGroup()).isEqualTo("/nginx/access");
                  seen.merge(
                      new Request(
                          (String) event.fields().get("method"),
                          (String) event.fields().get("path"),
                          (Long) event.fields().get("status"),
                          (Long) event.fields().get("bytes")),
                      1,
                      Integer::sum);
                }
                return seen.keySet().containsAll(expected);
              });
      // Read what else is there, so that duplicates or strays would show.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.merge(toRequest(r), 1, Integer::sum));
    }
    return seen;
  }

  private static Request toRequest(ConsumerRecord<String, byte[]> record) {
    LogEvent event = Codecs.LOG_EVENT.decode(record);
    return new Request(
        (String) event.fields().get("method"),
        (String) event.fields().get("path"),
        (Long) event.fields().get("status"),
        (Long) event.fields().get("bytes"));
  }

  private Set<String> metricNames(Topics topics) {
    Set<String> names = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      String topic = topics.metrics().name();
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(300))) {
                  MetricPoint point = Codecs.METRIC_POINT.decode(record);
                  assertThat(point.series().dimensions())
                      .containsEntry("host", "test-host")
                      .containsEntry("env", "test");
                  names.add(point.series().name());
                }
                return names.containsAll(
                    List.of(
                        "system.cpu.utilization",
                        "system.memory.usage",
                        "tidewatch.agent.records.shipped"));
              });
    }
    return names;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }
}
