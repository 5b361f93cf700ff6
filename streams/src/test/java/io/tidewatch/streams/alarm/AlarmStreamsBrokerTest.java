package io.tidewatch.streams.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alarm processor on a real broker with exactly-once: a metric-math alarm whose two metrics
 * arrive as separate series on several partitions meets in one task per instance (the repartition
 * topic carries the metric id), an alarm's cardinality limit is reported once, and a point stamped
 * minutes ahead by a skewed clock does not blind its instance.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AlarmStreamsBrokerTest {

  private static final String RULES =
      """
      alarms:
        - name: web-5xx-ratio
          metrics:
            e: {metric: {namespace: Web, name: http_5xx}, statistic: Sum}
            r: {metric: {namespace: Web, name: http_requests}, statistic: Sum}
          expression: 100 * e / r
          groupBy: [host]
          period: 10s
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 5
          maxInstances: 2
      """;

  @TempDir Path dir;

  @Test
  void shouldEvaluateMetricMathAcrossPartitionsAndReportTheLimitOnce(EmbeddedBroker broker)
      throws Exception {
    try (Running running = Running.start(broker, "mathbroker", RULES, dir)) {
      // 10% errors on host a, 1% on host b, sent until a whole period was seen and evaluated.
      running.sendUntil(
          now -> running.sendRatios(List.of("a", "b"), now),
          "web-5xx-ratio{host=a} ALARM",
          "web-5xx-ratio{host=b} OK");
      // A third host is beyond maxInstances: 2.
      running.sendUntil(
          now -> running.sendRatios(List.of("a", "b", "c"), now),
          "tidewatch-cardinality-limit{alarm=web-5xx-ratio} ALARM");
      assertThat(running.events())
          .extracting(e -> e.detail().alarmInstance())
          .doesNotContain("web-5xx-ratio{host=c}")
          .filteredOn(id -> id.startsWith("tidewatch-cardinality-limit"))
          .hasSize(1);
    }
  }

  @Test
  void shouldGoOnWithOnTimeDataWhenOnePointIsStampedMinutesAhead(EmbeddedBroker broker)
      throws Exception {
    String rules =
        """
        alarms:
          - name: web-errors
            metric: {namespace: Web, name: http_5xx}
            groupBy: [host]
            statistic: Average
            period: 10s
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 5
        """;
    try (Running running = Running.start(broker, "futurebroker", rules, dir)) {
      running.sendUntil(now -> running.send("http_5xx", "a", now, 10), "web-errors{host=a} ALARM");
      // A clock 4 minutes ahead, inside the 5-minute future tolerance; then the errors stop.
      running.send("http_5xx", "a", Instant.now().plus(Duration.ofMinutes(4)), 10);
      running.sendUntil(now -> running.send("http_5xx", "a", now, 1), "web-errors{host=a} OK");
      assertThat(running.events())
          .as("the on-time data goes on driving the instance; it never goes INSUFFICIENT_DATA")
          .extracting(e -> e.detail().alarmInstance() + " " + e.detail().state().value())
          .containsExactly("web-errors{host=a} ALARM", "web-errors{host=a} OK");
    }
  }

  /** A heartbeat alarm without groupBy on a metric that never reports: ALARM from its apply. */
  private static String heartbeat(String name) {
    return """
          - name: %s
            metric: {namespace: Jobs, name: %s_run}
            statistic: SampleCount
            period: 10s
            evaluationPeriods: 1
            comparison: LessThanThreshold
            threshold: 1
            treatMissingData: breaching
        """
        .formatted(name, name);
  }

  private static io.tidewatch.rules.RuleSet heartbeats(List<String> names) {
    StringBuilder yaml = new StringBuilder("alarms:\n");
    names.forEach(name -> yaml.append(heartbeat(name)));
    LoadResult loaded = RuleLoader.loadString("heartbeats.yaml", yaml.toString());
    assertThat(loaded.hasErrors()).as(loaded.render()).isFalse();
    return loaded.ruleSet();
  }

  @Test
  void shouldKeepEachAlarmWithoutDataInOneTaskAcrossRebalancesAndRestarts(EmbeddedBroker broker)
      throws Exception {
    String name = "lifetimebroker";
    Topics topics = new Topics(name + ".");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    int allTasks =
        topics.specs().stream()
            .filter(
                spec ->
                    spec.name().equals(topics.metrics().name())
                        || spec.name().equals(topics.alarmState().name()))
            .mapToInt(spec -> 2 * spec.partitions()) // a router and an evaluator task each
            .sum();
    List<String> alarms = List.of("hb-0", "hb-1", "hb-2", "hb-3", "hb-4", "hb-5");
    RuleRegistry registry = RuleRegistry.of(heartbeats(alarms));
    AlarmTopology.Config config = AlarmTopology.Config.of(topics, registry);
    String application = name + "-alarms";
    List<AlarmStateChange> events = new CopyOnWriteArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = eventReader(broker, topics, name)) {
      AlarmStreams first =
          AlarmStreams.start(config, broker.bootstrapServers(), application, dir.resolve("a"));
      AlarmStreams third = null;
      try {
        // Two instances share the tasks: each alarm is evaluated by the one task owning its key.
        try (AlarmStreams second =
            AlarmStreams.start(config, broker.bootstrapServers(), application, dir.resolve("b"))) {
          awaitEvents(consumer, topics, events, alarms.stream().map(a -> a + " ALARM").toList());
        }
        // Rebalance: the first instance takes over the second's tasks and restores their stores.
        await().atMost(Duration.ofSeconds(60)).until(() -> first.activeTasks() == allTasks);
        registry.update(
            heartbeats(List.of("hb-0", "hb-1", "hb-2", "hb-3", "hb-4", "hb-5", "hb-6")));
        awaitEvents(consumer, topics, events, List.of("hb-6 ALARM"));

        // Restart on an empty state directory, after hb-0 was removed while nothing ran.
        first.close();
        registry.update(heartbeats(List.of("hb-1", "hb-2", "hb-3", "hb-4", "hb-5", "hb-6")));
        third =
            AlarmStreams.start(config, broker.bootstrapServers(), application, dir.resolve("c"));
        awaitEvents(consumer, topics, events, List.of("hb-0 OK"));
        registry.update(
            heartbeats(List.of("hb-1", "hb-2", "hb-3", "hb-4", "hb-5", "hb-6", "hb-7")));
        awaitEvents(consumer, topics, events, List.of("hb-7 ALARM"));
      } finally {
        first.close();
        if (third != null) {
          third.close();
        }
      }
    }
    // One ALARM per alarm: never evaluated twice, never re-created from nothing after a rebalance
    // or a restart; the removed one closed once.
    assertThat(events)
        .extracting(e -> e.detail().alarmInstance() + " " + e.detail().state().value())
        .containsExactlyInAnyOrder(
            "hb-0 ALARM",
            "hb-1 ALARM",
            "hb-2 ALARM",
            "hb-3 ALARM",
            "hb-4 ALARM",
            "hb-5 ALARM",
            "hb-6 ALARM",
            "hb-0 OK",
            "hb-7 ALARM");
    assertThat(events)
        .filteredOn(e -> e.detail().state().value() == io.tidewatch.model.alarm.AlarmState.OK)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.detail().state().reason()).startsWith("alarm removed while in ALARM"));
  }

  private static KafkaConsumer<String, byte[]> eventReader(
      EmbeddedBroker broker, Topics topics, String name) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                name + "-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics.alarmEvents().name()));
    return consumer;
  }

  /** Reads events until every expected "instance STATE" is among them. */
  private static void awaitEvents(
      KafkaConsumer<String, byte[]> consumer,
      Topics topics,
      List<AlarmStateChange> events,
      List<String> expected) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                events.add(topics.alarmEvents().codec().decode(record));
              }
              assertThat(events)
                  .extracting(e -> e.detail().alarmInstance() + " " + e.detail().state().value())
                  .containsAll(expected);
            });
  }

  /** The alarm streams on their own topics, a producer of metric points and a reader of events. */
  private record Running(
      Topics topics,
      AlarmStreams streams,
      KafkaProducer<String, MetricPoint> producer,
      KafkaConsumer<String, byte[]> consumer,
      List<AlarmStateChange> events)
      implements AutoCloseable {

    static Running start(EmbeddedBroker broker, String name, String rulesYaml, Path dir)
        throws Exception {
      Topics topics = new Topics(name + ".");
      try (Admin admin = Admin.create(broker.clientConfig())) {
        new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
      }
      LoadResult rules = RuleLoader.loadString(name + ".yaml", rulesYaml);
      assertThat(rules.hasErrors()).as(rules.render()).isFalse();
      AlarmStreams streams =
          AlarmStreams.start(
              AlarmTopology.Config.of(topics, rules.ruleSet()),
              broker.bootstrapServers(),
              name + "-alarms",
              dir.resolve("state"));
      KafkaProducer<String, MetricPoint> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
              new StringSerializer(),
              Codecs.METRIC_POINT.serializer());
      KafkaConsumer<String, byte[]> consumer = eventReader(broker, topics, name);
      return new Running(topics, streams, producer, consumer, new CopyOnWriteArrayList<>());
    }

    /** Sends with {@code send} at the current time, again and again, until the events appear. */
    void sendUntil(Consumer<Instant> send, String... expected) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                send.accept(Instant.now());
                producer.flush();
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  events.add(topics.alarmEvents().codec().decode(record));
                }
                assertThat(events)
                    .extracting(e -> e.detail().alarmInstance() + " " + e.detail().state().value())
                    .contains(expected);
              });
    }

    /** 100 requests per host, 10 errors on host a and 1 on the others. */
    void sendRatios(List<String> hosts, Instant at) {
      for (String host : hosts) {
        send("http_requests", host, at, 100);
        send("http_5xx", host, at, host.equals("a") ? 10 : 1);
      }
    }

    void send(String name, String host, Instant at, double value) {
      SeriesId series = SeriesId.of("Web", name, Map.of("host", host));
      producer.send(
          new ProducerRecord<>(
              topics.metrics().name(), series.key(), new MetricPoint(series, at, value, "1")));
    }

    @Override
    public void close() {
      consumer.close();
      producer.close();
      streams.close();
    }
  }
}
