package io.tidewatch.bench;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.streams.alarm.AlarmStreams;
import io.tidewatch.streams.alarm.AlarmTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue benchmark: wall-clock latency from a period's end (+ allowed lateness, here 0) to the
 * state-change event being readable ({@code read_committed}) on {@code tw.alarm-events}, for series
 * that keep reporting (every period flips the alarm) and for series that fall silent (their alarm
 * must go to ALARM under {@code treatMissingData: breaching} once the evaluation range is empty).
 *
 * <p>Usage: {@code bench/run AlarmLatency [seconds] [alarms]}; default 120 s, 100 alarms with 10-s
 * periods, 5 reporting series each plus one silent series per alarm.
 */
public final class AlarmLatency {

  private static final long PERIOD = 10_000;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
    int alarms = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path dir = Files.createTempDirectory("tidewatch-latency-");
    Topics topics = new Topics("lat.");
    try (EmbeddedBroker broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dir, 0))) {
      try (Admin admin = Admin.create(broker.clientConfig())) {
        new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
      }
      System.out.println(BenchEnvironment.describe());
      List<Long> flipping = Collections.synchronizedList(new ArrayList<>());
      List<Long> silent = Collections.synchronizedList(new ArrayList<>());
      List<Long> firstEvaluations = Collections.synchronizedList(new ArrayList<>());
      List<Long> silentEvaluated = Collections.synchronizedList(new ArrayList<>());
      long silentFrom = Math.floorDiv(System.currentTimeMillis() + seconds * 500L, PERIOD) * PERIOD;
      try (AlarmStreams streams =
              AlarmStreams.start(
                  AlarmTopology.Config.of(topics, rules(alarms).ruleSet()),
                  broker.bootstrapServers(),
                  "lat-alarms",
                  dir.resolve("state"));
          KafkaProducer<String, MetricPoint> producer = producer(broker, topics);
          KafkaConsumer<String, byte[]> consumer = consumer(broker)) {
        consumer.subscribe(List.of(topics.alarmEvents().name()));
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        sender.scheduleAtFixedRate(
            () -> send(producer, topics, alarms, silentFrom), 0, 200, TimeUnit.MILLISECONDS);
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            long received = System.currentTimeMillis();
            AlarmStateChange change = topics.alarmEvents().codec().decode(record);
            long due = Math.floorDiv(change.time().toEpochMilli(), PERIOD) * PERIOD;
            boolean fromInsufficient =
                change.detail().previousState() == null
                    || change.detail().previousState().value()
                        == io.tidewatch.model.alarm.AlarmState.INSUFFICIENT_DATA;
            if (fromInsufficient) {
              // An instance's first evaluation (INSUFFICIENT_DATA -> OK/ALARM) happens while the
              // processor starts up and works through its first records: not the silent case.
              firstEvaluations.add(received - due);
            } else if (change.detail().alarmName().endsWith("-silent")) {
              if (change.detail().state().value() != io.tidewatch.model.alarm.AlarmState.ALARM) {
                continue; // it exists from its apply: a start-up period without data may flip it
              }
              // Its last datapoint is in the period before silentFrom; the range (N + 2 = 3
              // periods) is empty from silentFrom + 3 periods on: that period end is due.
              silent.add(received - (silentFrom + 3 * PERIOD));
              silentEvaluated.add(change.time().toEpochMilli() - (silentFrom + 3 * PERIOD));
            } else if (change.detail().previousState() != null
                && change.detail().previousState().value()
                    != io.tidewatch.model.alarm.AlarmState.INSUFFICIENT_DATA) {
              flipping.add(received - due);
            }
          }
        }
        sender.shutdownNow();
      }
      report("reporting series, transition every period", flipping);
      report("silent series, missing data -> ALARM", silent);
      report("  of which: period end -> evaluated (event time)", silentEvaluated);
      report("first evaluations (start-up, not a target)", firstEvaluations);
    }
  }

  private static void send(
      KafkaProducer<String, MetricPoint> producer, Topics topics, int alarms, long silentFrom) {
    long now = System.currentTimeMillis();
    boolean high = (now / PERIOD) % 2 == 0;
    for (int alarm = 0; alarm < alarms; alarm++) {
      for (int host = 0; host < 5; host++) {
        SeriesId series = SeriesId.of("lat", "m" + alarm, Map.of("host", "h" + host));
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(),
                series.key(),
                new MetricPoint(series, Instant.ofEpochMilli(now), high ? 90 : 10, "%")));
      }
      if (now < silentFrom) {
        SeriesId quiet = SeriesId.of("lat", "q" + alarm, Map.of("host", "q"));
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(),
                quiet.key(),
                new MetricPoint(quiet, Instant.ofEpochMilli(now), 10, "%")));
      }
    }
  }

  /**
   * The evaluation decides at the period end; the event time is when it was evaluated, so the due
   * moment is the start of the event's second (period end), and latency is receive minus that.
   */
  private static void report(String what, List<Long> latencies) {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      System.out.printf("%s: no events%n", what);
      return;
    }
    System.out.printf(
        "%s: %d events, latency from period end p50 %d ms, p99 %d ms, max %d ms%n",
        what,
        sorted.size(),
        sorted.get(sorted.size() / 2),
        sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)),
        sorted.get(sorted.size() - 1));
  }

  static LoadResult rules(int alarms) {
    StringBuilder yaml = new StringBuilder("alarms:\n");
    for (int alarm = 0; alarm < alarms; alarm++) {
      yaml.append("  - name: lat-")
          .append(alarm)
          .append('\n')
          .append("    metric: {namespace: lat, name: m")
          .append(alarm)
          .append("}\n")
          .append("    groupBy: [host]\n    statistic: Average\n    period: 10s\n")
          .append(
              "    evaluationPeriods: 1\n    comparison: GreaterThanThreshold\n    threshold: 50\n");
      yaml.append("  - name: lat-")
          .append(alarm)
          .append("-silent\n")
          .append("    metric: {namespace: lat, name: q")
          .append(alarm)
          .append("}\n")
          .append("    statistic: Average\n    period: 10s\n    evaluationPeriods: 1\n")
          .append("    comparison: GreaterThanThreshold\n    threshold: 50\n")
          .append("    treatMissingData: breaching\n");
    }
    LoadResult loaded = RuleLoader.loadString("latency.yaml", yaml.toString());
    if (loaded.hasErrors()) {
      throw new IllegalStateException(loaded.render());
    }
    return loaded;
  }

  private static KafkaProducer<String, MetricPoint> producer(EmbeddedBroker broker, Topics topics) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new StringSerializer(),
        Codecs.METRIC_POINT.serializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedBroker broker) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "lat-reader",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }
}
