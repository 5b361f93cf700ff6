package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import io.tidewatch.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY.md 1 in small: the alarm processor runs as its own process ({@code tidewatch up
 * --bootstrap-servers}) and is killed with {@code kill -9} twice while metrics keep flowing into
 * the broker. Afterwards the committed alarm events must be exactly the transitions recomputed from
 * the input: none lost, none repeated.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ProcessorCrashTest {

  private static final String PREFIX = "crash.";
  private static final Topics TOPICS = new Topics(PREFIX);
  private static final long PERIOD = 10_000;
  private static final String ALARM = "crash-flip";
  private static final String RULES =
      """
      alarms:
        - name: crash-flip
          metric: {namespace: crash, name: load}
          statistic: Maximum
          period: 10s
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 50
          treatMissingData: notBreaching
          allowedLateness: 45s
      """;
  private static final SeriesId SERIES = SeriesId.of("crash", "load", Map.of("host", "h1"));

  @TempDir Path dir;

  /** High for two periods, low for two: a transition every 20 seconds. */
  private static boolean high(long periodStart) {
    return (periodStart / PERIOD / 2) % 2 == 0;
  }

  @Test
  void shouldEmitEveryTransitionExactlyOnceWhenTheProcessorIsKilled(EmbeddedBroker broker)
      throws Exception {
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    Path rules = Files.createDirectory(dir.resolve("rules"));
    Files.writeString(rules.resolve("crash.yaml"), RULES);

    List<Long> sentPeriods = new java.util.concurrent.CopyOnWriteArrayList<>();
    Process processor = startProcessor(broker, rules);
    var sender = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (KafkaProducer<String, MetricPoint> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer())) {
      // Metrics keep flowing into the broker, whether the processor is up or not.
      sender.scheduleAtFixedRate(
          () -> {
            long now = System.currentTimeMillis();
            long periodStart = Math.floorDiv(now, PERIOD) * PERIOD;
            MetricPoint point =
                new MetricPoint(
                    SERIES, Instant.ofEpochMilli(now), high(periodStart) ? 90 : 10, "1");
            try {
              producer
                  .send(new ProducerRecord<>(TOPICS.metrics().name(), SERIES.key(), point))
                  .get();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            if (sentPeriods.isEmpty() || sentPeriods.get(sentPeriods.size() - 1) != periodStart) {
              sentPeriods.add(periodStart);
            }
          },
          0,
          1,
          TimeUnit.SECONDS);
      for (int kill = 0; kill < 2; kill++) {
        Thread.sleep(30_000);
        processor.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
        processor = startProcessor(broker, rules);
      }
      Thread.sleep(30_000);
      sender.shutdown();
      assertThat(sender.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    // The transitions the input implies: one evaluation per period, N = 1, so each period decides.
    // The alarm (no groupBy) exists from the apply of its rules by the first `up --rules`: a period
    // before the first point has no datapoint, which notBreaching makes OK.
    long applied =
        TopicReader.readAll(broker.bootstrapServers(), TOPICS.rules().name()).stream()
            .mapToLong(ConsumerRecord::timestamp)
            .max()
            .orElseThrow();
    long first = Math.min(Math.floorDiv(applied, PERIOD) * PERIOD, sentPeriods.get(0));
    long last = sentPeriods.get(sentPeriods.size() - 1);
    Map<String, String> expected = new LinkedHashMap<>();
    AlarmState state = AlarmState.INSUFFICIENT_DATA;
    for (long periodStart = first; periodStart < last; periodStart += PERIOD) {
      AlarmState next =
          sentPeriods.contains(periodStart) && high(periodStart) ? AlarmState.ALARM : AlarmState.OK;
      if (next != state) {
        expected.put(
            transitionId(ALARM, periodStart + PERIOD, next),
            next + " at " + (periodStart + PERIOD));
        state = next;
      }
    }
    assertThat(expected).hasSizeGreaterThanOrEqualTo(5);

    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(eventIds(broker)).containsAll(expected.keySet()));
      List<String> ids = eventIds(broker);
      assertThat(ids).as("no transition is emitted twice").doesNotHaveDuplicates();
      assertThat(ids.subList(0, expected.size()))
          .as("the first transitions are exactly the recomputed ones, in order")
          .containsExactlyElementsOf(expected.keySet());
    } finally {
      processor.destroyForcibly();
    }
  }

  private Process startProcessor(EmbeddedBroker broker, Path rules) throws Exception {
    Path log = dir.resolve("processor.log");
    Process process =
        ChildTidewatch.start(
            log,
            "512m",
            Map.of(),
            ChildTidewatch.upAgainst(
                broker.bootstrapServers(), PREFIX, dir.resolve("processor"), rules));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(log).split("Tidewatch is up", -1).length > started + 1);
    started++;
    return process;
  }

  private int started;

  private static List<String> eventIds(EmbeddedBroker broker) {
    var topic = TOPICS.alarmEvents();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(topic.name(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<AlarmStateChange> events = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline
          && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          events.add(topic.codec().decode(record));
        }
      }
      return events.stream()
          .sorted(java.util.Comparator.comparing(AlarmStateChange::time))
          .map(AlarmStateChange::id)
          .toList();
    }
  }

  /** The documented transition id: hash(alarm instance, period end, new state). */
  private static String transitionId(String instance, long periodEnd, AlarmState state)
      throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest(
                (instance + '\u0000' + periodEnd + '\u0000' + state)
                    .getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 16);
  }
}
