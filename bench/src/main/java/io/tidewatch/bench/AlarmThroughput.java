package io.tidewatch.bench;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.TopicSpec;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.streams.alarm.AlarmTopology;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Issue benchmark: sustained datapoints/s through Tidewatch's aggregation + alarm evaluation with
 * exactly-once, 1,000 rules x 10 groupBy values (10,000 alarm instances), 1-minute periods — side
 * by side with a plain Kafka Streams DSL windowed aggregation (count/sum/min/max, 1-minute tumbling
 * windows, 1,000 keys, exactly-once) over the same records on the same embedded broker.
 *
 * <p>Usage: {@code bench/run AlarmThroughput [records] [statistic...]}; default 2,000,000 records,
 * statistics Average. Each record carries one datapoint.
 */
public final class AlarmThroughput {

  private static final int METRICS = 1_000;
  private static final int HOSTS = 10;
  private static final Duration EVENT_SPAN = Duration.ofMinutes(10);

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    String[] statistics =
        args.length > 1
            ? java.util.Arrays.copyOfRange(args, 1, args.length)
            : new String[] {"Average"};
    Path dir = Files.createTempDirectory("tidewatch-bench-");
    try (EmbeddedBroker broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dir, 0))) {
      Topics topics = new Topics("bench.");
      try (Admin admin = Admin.create(broker.clientConfig())) {
        List<TopicSpec> specs = new ArrayList<>(topics.specs());
        specs.add(new TopicSpec("bench.baseline-out", 6, Map.of()));
        new TopicBootstrap(admin, (short) 1).ensure(specs);
      }
      Instant base = Instant.now().minus(Duration.ofHours(2));
      long loadStart = System.nanoTime();
      load(broker.bootstrapServers(), topics, records, base);
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      System.out.printf(
          "loaded %,d records in %.1f s (%,.0f records/s producer)%n",
          records, loadSeconds, records / loadSeconds);
      System.out.println(BenchEnvironment.describe());

      double baseline =
          run(
              "baseline DSL windowed aggregation (1,000 keys, EOS)",
              broker,
              topics,
              records,
              baselineTopology(topics),
              "bench-baseline",
              dir);
      double tidewatch =
          run(
              "Tidewatch alarms (" + String.join("+", statistics) + ", 10,000 instances, EOS)",
              broker,
              topics,
              records,
              AlarmTopology.build(AlarmTopology.Config.of(topics, rules(statistics).ruleSet())),
              "bench-alarms",
              dir);
      System.out.printf("ratio Tidewatch / baseline = %.2f%n", tidewatch / baseline);
    }
  }

  private static void load(String bootstrap, Topics topics, long records, Instant base) {
    SeriesId[] series = new SeriesId[METRICS * HOSTS];
    for (int metric = 0; metric < METRICS; metric++) {
      for (int host = 0; host < HOSTS; host++) {
        series[metric * HOSTS + host] =
            SeriesId.of("bench", "m" + metric, Map.of("service", "web", "host", "h" + host));
      }
    }
    try (KafkaProducer<String, MetricPoint> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer())) {
      long spanMillis = EVENT_SPAN.toMillis();
      for (long i = 0; i < records; i++) {
        SeriesId id = series[(int) (i % series.length)];
        Instant time = base.plusMillis(i * spanMillis / records);
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(), id.key(), new MetricPoint(id, time, i % 100, "%")));
      }
    }
  }

  /** 1,000 alarms, each grouped by host: 10,000 instances. Lateness keeps the wall clock out. */
  static LoadResult rules(String[] statistics) {
    StringBuilder yaml = new StringBuilder("alarms:\n");
    for (int metric = 0; metric < METRICS; metric++) {
      yaml.append("  - name: bench-")
          .append(metric)
          .append('\n')
          .append("    metric: {namespace: bench, name: m")
          .append(metric)
          .append(", dimensions: {service: web}}\n")
          .append("    groupBy: [host]\n")
          .append("    statistic: ")
          .append(statistics[metric % statistics.length])
          .append('\n')
          .append(
              "    period: 1m\n    evaluationPeriods: 3\n    comparison: GreaterThanThreshold\n")
          .append("    threshold: 70\n    allowedLateness: 1d\n");
    }
    LoadResult loaded = RuleLoader.loadString("bench.yaml", yaml.toString());
    if (loaded.hasErrors()) {
      throw new IllegalStateException(loaded.render());
    }
    return loaded;
  }

  private static Topology baselineTopology(Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<MetricPoint> points = Codecs.METRIC_POINT.serde();
    Serde<double[]> stats =
        Serdes.serdeFrom(
            (topic, value) -> {
              ByteBuffer buffer = ByteBuffer.allocate(32);
              for (double v : value) {
                buffer.putDouble(v);
              }
              return buffer.array();
            },
            (topic, bytes) -> {
              ByteBuffer buffer = ByteBuffer.wrap(bytes);
              return new double[] {
                buffer.getDouble(), buffer.getDouble(), buffer.getDouble(), buffer.getDouble()
              };
            });
    builder.stream(
            topics.metrics().name(),
            Consumed.with(Serdes.String(), points)
                .withTimestampExtractor(
                    (record, previous) ->
                        ((MetricPoint) record.value()).timestamp().toEpochMilli()))
        .groupBy((key, point) -> point.series().name(), Grouped.with(Serdes.String(), points))
        // The repartitioned input is out of order by up to the whole event span (each of its
        // writers is at its own point of the span): a grace that covers it drops nothing, so the
        // baseline aggregates every point it is timed on (checked after the run).
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), EVENT_SPAN))
        .aggregate(
            () -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
            (key, point, agg) ->
                new double[] {
                  agg[0] + 1,
                  agg[1] + point.value(),
                  Math.min(agg[2], point.value()),
                  Math.max(agg[3], point.value())
                },
            Materialized.with(Serdes.String(), stats))
        .toStream((window, value) -> window.key() + "@" + window.window().start())
        .to("bench.baseline-out", Produced.with(Serdes.String(), stats));
    return builder.build();
  }

  /** Runs a topology over every record of the input topic; returns records/s. */
  private static double run(
      String name,
      EmbeddedBroker broker,
      Topics topics,
      long records,
      Topology topology,
      String applicationId,
      Path dir)
      throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + applicationId).toString());
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // As AlarmStreams runs it, for both sides: single-input tasks need no idling.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    long start = System.nanoTime();
    long firstProgress = 0;
    long recordsAtFirstProgress = 0;
    try (KafkaStreams streams = new KafkaStreams(topology, props);
        Admin admin = Admin.create(broker.clientConfig())) {
      streams.start();
      while (true) {
        long done = committed(admin, applicationId, topics.metrics().name());
        if (firstProgress == 0 && done > 0) {
          firstProgress = System.nanoTime();
          recordsAtFirstProgress = done;
        }
        if (done >= records && drained(admin, applicationId, topics.metrics().name())) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      long end = System.nanoTime();
      double dropped = droppedRecords(streams);
      if (dropped > 0) {
        throw new IllegalStateException(
            name + " dropped " + (long) dropped + " records: its figure would not be comparable");
      }
      double total = records / ((end - start) / 1e9);
      double steady = (records - recordsAtFirstProgress) / ((end - firstProgress) / 1e9);
      System.out.printf(
          "%s: %,.0f records/s steady (%,.0f incl. start-up, %.1f s)%n",
          name, steady, total, (end - start) / 1e9);
      return steady;
    }
  }

  /**
   * Records a topology skipped (for the DSL: late for a closed window), from Kafka Streams' task
   * metric {@code dropped-records-total}; counted there instead of logged per record.
   */
  private static double droppedRecords(KafkaStreams streams) {
    return streams.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("dropped-records-total"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .sum();
  }

  /**
   * Whether the group's later stages (the repartition topic read by the aggregation/evaluation)
   * have caught up too: the input offsets alone say only that the first stage (re-keying) is done.
   * Under exactly-once an end offset may be one transaction marker past the last committed record.
   */
  private static boolean drained(Admin admin, String group, String input) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
        new java.util.HashMap<>();
    committed.keySet().stream()
        .filter(partition -> !partition.topic().equals(input))
        .forEach(
            partition -> latest.put(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()));
    if (latest.isEmpty()) {
      return false;
    }
    var ends = admin.listOffsets(latest).all().get();
    return latest.keySet().stream()
        .allMatch(
            partition ->
                committed.get(partition) != null
                    && ends.get(partition).offset() - committed.get(partition).offset() <= 1);
  }

  private static long committed(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }
}
