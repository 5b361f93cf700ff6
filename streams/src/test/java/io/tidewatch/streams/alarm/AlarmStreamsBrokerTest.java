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
 * topic carries the metric id), and an alarm's cardinality limit is reported once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AlarmStreamsBrokerTest {

  private static final Topics TOPICS = new Topics("mathbroker.");
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
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    LoadResult rules = RuleLoader.loadString("math.yaml", RULES);
    assertThat(rules.hasErrors()).as(rules.render()).isFalse();
    List<AlarmStateChange> events = new CopyOnWriteArrayList<>();
    try (AlarmStreams streams =
            AlarmStreams.start(
                AlarmTopology.Config.of(TOPICS, rules.ruleSet()),
                broker.bootstrapServers(),
                "mathbroker-alarms",
                dir.resolve("state"));
        KafkaProducer<String, MetricPoint> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                Codecs.METRIC_POINT.serializer());
        KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "mathbroker-reader",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPICS.alarmEvents().name()));
      // 10% errors on host a, 1% on host b, sent until a whole period was seen and evaluated.
      sendUntil(
          producer,
          consumer,
          events,
          List.of("a", "b"),
          "web-5xx-ratio{host=a} ALARM",
          "web-5xx-ratio{host=b} OK");
      // A third host is beyond maxInstances: 2.
      sendUntil(
          producer,
          consumer,
          events,
          List.of("a", "b", "c"),
          "tidewatch-cardinality-limit{alarm=web-5xx-ratio} ALARM");
    }
    assertThat(events)
        .extracting(e -> e.detail().alarmInstance())
        .doesNotContain("web-5xx-ratio{host=c}")
        .filteredOn(id -> id.startsWith("tidewatch-cardinality-limit"))
        .hasSize(1);
  }

  private static void sendUntil(
      KafkaProducer<String, MetricPoint> producer,
      KafkaConsumer<String, byte[]> consumer,
      List<AlarmStateChange> events,
      List<String> hosts,
      String... expected) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Instant now = Instant.now();
              for (String host : hosts) {
                send(producer, "http_requests", host, now, 100);
                send(producer, "http_5xx", host, now, host.equals("a") ? 10 : 1);
              }
              producer.flush();
              for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                events.add(TOPICS.alarmEvents().codec().decode(record));
              }
              assertThat(events)
                  .extracting(e -> e.detail().alarmInstance() + " " + e.detail().state().value())
                  .contains(expected);
            });
  }

  private static void send(
      KafkaProducer<String, MetricPoint> producer,
      String name,
      String host,
      Instant at,
      double value) {
    SeriesId series = SeriesId.of("Web", name, Map.of("host", host));
    producer.send(
        new ProducerRecord<>(
            TOPICS.metrics().name(), series.key(), new MetricPoint(series, at, value, "1")));
  }
}
