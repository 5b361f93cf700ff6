package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.Promtool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path through the public entry points: OTLP/HTTP in, a real embedded broker, the alarm
 * processor, CloudWatch-shaped events out on {@code tw.alarm-events}; then a restart on the same
 * data folder that must keep topics, data and alarm state.
 */
class AllInOneTest {

  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final String RULES =
      """
      alarms:
        - name: it-load-high
          description: load above 50 in one 10-second period
          metric: {namespace: checkout, name: system.load, dimensions: {service.name: checkout}}
          groupBy: [host.name]
          statistic: Maximum
          period: 10s
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 50
          treatMissingData: notBreaching
          labels: {severity: page}
          runbook: https://runbooks.example.com/load
      """;

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;
  @TempDir Path rulesDir;

  @Test
  void shouldTurnAnOtlpMetricIntoAnAlarmEventAndKeepStateAcrossRestart() throws Exception {
    Files.writeString(rulesDir.resolve("load.yaml"), RULES);
    AllInOne.Config config =
        new AllInOne.Config(
            dataDir,
            Optional.empty(),
            0,
            "127.0.0.1",
            0,
            0,
            0,
            RuleFiles.forUp(Optional.of(rulesDir), false),
            false,
            false,
            Topics.defaults(),
            Optional.empty());
    StringWriter console = new StringWriter();

    List<AlarmStateChange> events;
    try (AllInOne allInOne = AllInOne.start(config, new PrintWriter(console, true))) {
      // A breaching point in the period that has just closed: evaluated on the wall clock at once.
      Instant closedPeriod = periodStart(awaitSecondsIntoPeriod(3)).minus(PERIOD);
      HttpResponse<String> response =
          postMetric(
              allInOne.endpoints().otlpMetrics(), "web-1", closedPeriod.plusSeconds(1), 97.5);
      assertThat(response.statusCode()).isEqualTo(200);

      events = awaitEvents(allInOne.endpoints().bootstrapServers(), 1);
      AlarmStateChange alarm = events.get(0);
      assertThat(alarm.detailType()).isEqualTo("CloudWatch Alarm State Change");
      assertThat(alarm.detail().alarmName()).isEqualTo("it-load-high");
      assertThat(alarm.detail().alarmInstance()).isEqualTo("it-load-high{host.name=web-1}");
      assertThat(alarm.detail().instance()).containsEntry("host.name", "web-1");
      assertThat(alarm.detail().state().value()).isEqualTo(AlarmState.ALARM);
      assertThat(alarm.detail().previousState().value()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
      assertThat(alarm.detail().state().reason()).contains("Threshold Crossed").contains("50.0");
      assertThat(alarm.detail().state().reasonData()).contains("97.5");
      assertThat(alarm.detail().labels()).containsEntry("severity", "page");
      assertThat(alarm.detail().runbook()).isEqualTo("https://runbooks.example.com/load");
      assertThat(alarm.detail().configuration().threshold()).isEqualTo(50.0);

      // The console worker prints the transition and appends it to the alarm log.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(allInOne.endpoints().alarmLog()))
                      .contains("ALARM it-load-high{host.name=web-1} (was INSUFFICIENT_DATA)"));
      assertThat(console.toString()).contains("ALARM it-load-high{host.name=web-1}");

      // Back to normal in the current period → OK when it closes.
      postMetric(allInOne.endpoints().otlpMetrics(), "web-1", Instant.now(), 12);
      events = awaitEvents(allInOne.endpoints().bootstrapServers(), 2);
      assertThat(events.get(1).detail().state().value()).isEqualTo(AlarmState.OK);
      assertThat(events.get(1).detail().previousState().value()).isEqualTo(AlarmState.ALARM);

      // /metrics counts what the receiver took and, by reason, what it refused; promtool agrees.
      assertThat(
              postMetric(allInOne.endpoints().otlpMetrics(), "web-1", Instant.now(), "\"NaN\"")
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> scrape =
          http.send(
              HttpRequest.newBuilder(allInOne.endpoints().metrics()).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("tidewatch_ingested_total{source=\"otlp-metrics\"} 2.0\n")
          .contains("tidewatch_discarded_total{reason=\"nan\",source=\"otlp-metrics\"} 1.0\n")
          .contains("tidewatch_ingested_total{source=\"otlp-logs\"} 0.0\n");
      Promtool.Result check = Promtool.checkMetrics(scrape.body());
      assertThat(check.exitCode()).as(check.output()).isZero();
    }

    // Restart on the same data folder: topics, records and the alarm's state survive. With the
    // state lost, the next point would create a new instance and emit INSUFFICIENT_DATA -> OK.
    try (AllInOne restarted = AllInOne.start(config, new PrintWriter(console, true))) {
      String bootstrap = restarted.endpoints().bootstrapServers();
      assertThat(awaitEvents(bootstrap, 2))
          .extracting(AlarmStateChange::id)
          .containsExactlyElementsOf(events.stream().map(AlarmStateChange::id).toList());

      Instant now = Instant.now();
      postMetric(restarted.endpoints().otlpMetrics(), "web-1", now, 10);
      // Wait until the period of that point has been evaluated, plus slack.
      Duration untilEvaluated =
          Duration.between(Instant.now(), periodStart(now).plus(PERIOD).plusSeconds(4));
      Thread.sleep(Math.max(0, untilEvaluated.toMillis()));
      assertThat(readEvents(bootstrap, Duration.ofSeconds(3)))
          .as("no transition is repeated or invented after a restart")
          .hasSize(2);
    }
  }

  /** Waits until the wall clock is at least {@code seconds} into a period; returns that time. */
  private static Instant awaitSecondsIntoPeriod(int seconds) throws InterruptedException {
    Instant now = Instant.now();
    long into = now.toEpochMilli() - periodStart(now).toEpochMilli();
    if (into < seconds * 1000L) {
      Thread.sleep(seconds * 1000L - into);
    }
    return Instant.now();
  }

  private static Instant periodStart(Instant instant) {
    long period = PERIOD.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(instant.toEpochMilli(), period) * period);
  }

  private HttpResponse<String> postMetric(URI endpoint, String host, Instant time, double value)
      throws Exception {
    return postMetric(endpoint, host, time, Double.toString(value));
  }

  /** {@code jsonValue} as written in the request, e.g. {@code "NaN"} with its quotes. */
  private HttpResponse<String> postMetric(URI endpoint, String host, Instant time, String jsonValue)
      throws Exception {
    String body =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"checkout"}},
            {"key":"host.name","value":{"stringValue":"%s"}}]},
          "scopeMetrics":[{"scope":{"name":"it"},"metrics":[{"name":"system.load","unit":"1",
            "gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":%s}]}}]}]}]}
        """
            .formatted(host, time.toEpochMilli() * 1_000_000L, jsonValue);
    return http.send(
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<AlarmStateChange> awaitEvents(String bootstrap, int count) {
    List<AlarmStateChange> events = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              events.clear();
              events.addAll(readEvents(bootstrap, Duration.ofSeconds(1)));
              return events.size() >= count;
            });
    return events;
  }

  /** Every committed event on tw.alarm-events, oldest first. */
  private static List<AlarmStateChange> readEvents(String bootstrap, Duration poll) {
    var topic = Topics.defaults().alarmEvents();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic.name()).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic.name(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<AlarmStateChange> events = new ArrayList<>();
      long deadline = System.nanoTime() + poll.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          events.add(topic.codec().decode(record));
        }
      }
      events.sort(java.util.Comparator.comparing(AlarmStateChange::time));
      return events;
    }
  }
}
