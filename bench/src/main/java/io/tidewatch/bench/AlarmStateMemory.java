package io.tidewatch.bench;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.streams.alarm.AlarmTopology;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Issue benchmark: bytes of state per alarm instance and per active series. Fills the real alarm
 * topology (embedded broker, exactly-once) with N alarm instances, one series each, every instance
 * holding a full evaluation range (5 one-minute periods, 10 samples each, evaluated), half Average
 * and half p99, then reports
 *
 * <ul>
 *   <li>serialized state: the latest changelog record per key of the evaluator's instance store and
 *       of the router's per-series store (key + value bytes, what a restore reads and the in-memory
 *       store holds);
 *   <li>retained heap: the used heap after full GCs with the processor running, for two sizes of N;
 *       the slope between them is the heap per instance (+ its series), without the processor's
 *       fixed cost.
 * </ul>
 *
 * <p>Usage: {@code bench/run AlarmStateMemory [smallN] [largeN]}; default 2,000 and 10,000.
 */
public final class AlarmStateMemory {

  private static final int HOSTS = 10;
  private static final int PERIODS = 5;
  private static final int SAMPLES_PER_PERIOD = 10;

  public static void main(String[] args) throws Exception {
    int small = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int large = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path dir = Files.createTempDirectory("tidewatch-memory-");
    System.out.println(BenchEnvironment.describe());
    try (EmbeddedBroker broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dir, 0))) {
      Result first = measure(broker, dir, small);
      Result second = measure(broker, dir, large);
      System.out.printf(
          "retained heap per instance (+ its series), slope %,d -> %,d instances: %,.0f bytes%n",
          small, large, (second.heapBytes() - first.heapBytes()) / (double) (large - small));
    }
  }

  record Result(long heapBytes) {}

  private static Result measure(EmbeddedBroker broker, Path dir, int instances) throws Exception {
    String prefix = "mem" + instances + ".";
    Topics topics = new Topics(prefix);
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    int rules = instances / HOSTS;
    long records = load(broker, topics, rules);
    long heapBefore = usedHeapAfterGc();
    String applicationId = "mem-" + instances;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + applicationId).toString());
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    try (KafkaStreams streams =
            new KafkaStreams(
                AlarmTopology.build(AlarmTopology.Config.of(topics, rules(rules).ruleSet())),
                props);
        Admin admin = Admin.create(broker.clientConfig())) {
      streams.start();
      awaitNoLag(admin, applicationId);
      long heapAfter = usedHeapAfterGc();
      Map<String, long[]> sizes = changelogSizes(broker, admin, applicationId);
      System.out.printf(
          "%,d instances (%,d rules x %d hosts, %,d records): used heap %,d -> %,d bytes%n",
          instances, rules, HOSTS, records, heapBefore, heapAfter);
      sizes.forEach(
          (topic, size) ->
              System.out.printf(
                  "  %s: %,d keys, %,.0f bytes per key (key + value), %,d bytes in all%n",
                  topic, size[0], size[1] / (double) Math.max(1, size[0]), size[1]));
      return new Result(heapAfter - heapBefore);
    }
  }

  /** Five evaluated one-minute periods of ten samples for each of rules x 10 series. */
  private static long load(EmbeddedBroker broker, Topics topics, int rules) {
    long minute = 60_000;
    long now = System.currentTimeMillis();
    long firstPeriod = Math.floorDiv(now, minute) * minute - PERIODS * minute;
    long records = 0;
    try (KafkaProducer<String, MetricPoint> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer())) {
      for (int sample = 0; sample < PERIODS * SAMPLES_PER_PERIOD; sample++) {
        long t = firstPeriod + sample * (minute / SAMPLES_PER_PERIOD);
        for (int rule = 0; rule < rules; rule++) {
          for (int host = 0; host < HOSTS; host++) {
            SeriesId series =
                SeriesId.of("mem", "m" + rule, Map.of("service", "web", "host", "h" + host));
            producer.send(
                new ProducerRecord<>(
                    topics.metrics().name(),
                    series.key(),
                    new MetricPoint(
                        series, Instant.ofEpochMilli(t), (sample * 7 + host) % 100, "%")));
            records++;
          }
        }
      }
      // One sample past the last period closes it by stream time in every task.
      for (int rule = 0; rule < rules; rule++) {
        SeriesId series = SeriesId.of("mem", "m" + rule, Map.of("service", "web", "host", "h0"));
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(),
                series.key(),
                new MetricPoint(series, Instant.ofEpochMilli(now), 1, "%")));
        records++;
      }
    }
    return records;
  }

  static LoadResult rules(int rules) {
    StringBuilder yaml = new StringBuilder("alarms:\n");
    for (int rule = 0; rule < rules; rule++) {
      yaml.append("  - name: mem-")
          .append(rule)
          .append("\n    metric: {namespace: mem, name: m")
          .append(rule)
          .append(", dimensions: {service: web}}\n    groupBy: [host]\n    statistic: ")
          .append(rule % 2 == 0 ? "Average" : "p99")
          .append("\n    period: 1m\n    evaluationPeriods: 3\n")
          .append("    comparison: GreaterThanThreshold\n    threshold: 70\n");
    }
    LoadResult loaded = RuleLoader.loadString("memory.yaml", yaml.toString());
    if (loaded.hasErrors()) {
      throw new IllegalStateException(loaded.render());
    }
    return loaded;
  }

  /** Waits until the group has committed everything it reads, on every topic. */
  private static void awaitNoLag(Admin admin, String group) throws Exception {
    while (true) {
      TimeUnit.MILLISECONDS.sleep(500);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      if (committed.isEmpty() || committed.values().stream().anyMatch(o -> o == null)) {
        continue;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get();
      // Under exactly-once the end offset includes a transaction marker the group never commits.
      boolean caughtUp =
          committed.entrySet().stream()
              .allMatch(e -> ends.get(e.getKey()).offset() - e.getValue().offset() <= 1);
      if (caughtUp
          && committed.keySet().stream().map(TopicPartition::topic).distinct().count() > 1) {
        TimeUnit.SECONDS.sleep(2); // the last commit's changelog writes become readable
        return;
      }
    }
  }

  /** Per changelog topic of the group: key count and bytes of the latest record per key. */
  private static Map<String, long[]> changelogSizes(
      EmbeddedBroker broker, Admin admin, String applicationId) throws Exception {
    List<String> changelogs =
        admin.listTopics().names().get().stream()
            .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-changelog"))
            .sorted()
            .toList();
    Map<String, long[]> sizes = new java.util.TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      for (String topic : changelogs) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<String, Integer> latest = new HashMap<>();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (record.value() == null) {
              latest.remove(key);
            } else {
              latest.put(key, record.key().length + record.value().length);
            }
          }
        }
        long bytes = latest.values().stream().mapToLong(Integer::longValue).sum();
        String store = topic.substring(applicationId.length() + 1);
        sizes.put(store, new long[] {latest.size(), bytes});
        if (store.startsWith("alarm-instances")) {
          // Even rules use Average, odd ones p99 (see rules()): their states differ by the sketch.
          for (String statistic : List.of("Average", "p99")) {
            long[] group = new long[2];
            latest.forEach(
                (key, size) -> {
                  int rule = Integer.parseInt(key.substring("mem-".length(), key.indexOf('{')));
                  if ((rule % 2 == 0) == statistic.equals("Average")) {
                    group[0]++;
                    group[1] += size;
                  }
                });
            sizes.put(store + " (" + statistic + " alarms)", group);
          }
        }
      }
    }
    return sizes;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
