package io.tidewatch.bench;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.otlp.OtlpHttpReceiver;
import io.tidewatch.ingest.otlp.OtlpReceiverConfig;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.TopicSpec;
import io.tidewatch.model.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Issue benchmark (ingest): OTLP/HTTP datapoints/s accepted into {@code tw.metrics} — protobuf
 * requests of 1,000 gauge points each, 8 concurrent clients, every request answered 200 only once
 * Kafka acknowledged its points — side by side with Kafka's own {@code ProducerPerformance}
 * (100-byte records, as fast as it can) on the same embedded broker, with the same producer
 * settings as the receiver's (acks=all, idempotence, lz4, linger.ms=0, batch.size=256 KiB) and a
 * topic with as many partitions as {@code tw.metrics}.
 *
 * <p>The clients are {@link KeepAliveHttpClient}s: one keep-alive connection each, requests built
 * in advance, so that the machine's CPU goes to the receiver and the broker, as the tool's own
 * record generator costs it little. Both sides report the process's CPU time per item and the JIT
 * compilation time during their run.
 *
 * <p>Usage: {@code bench/run OtlpIngestThroughput [points] [clients] [rounds]}; default 2,000,000
 * points (and as many ProducerPerformance records), 8 clients, 7 rounds of both, each round one
 * after the other; the median round's ratio is the result. Both sides get faster for several rounds
 * as the JIT compiles the broker's, the producer's and the receiver's code. A tenth of the points
 * go first as warm-up, not measured.
 */
public final class OtlpIngestThroughput {

  private static final int POINTS_PER_REQUEST = 1_000;
  private static final int METRICS = 100;
  private static final int BODIES_PER_CLIENT = 16;

  public static void main(String[] args) throws Exception {
    long points = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    Path dir = Files.createTempDirectory("tidewatch-bench-otlp-");
    try (EmbeddedBroker broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dir, 0))) {
      Topics topics = new Topics("bench.");
      int partitions;
      try (Admin admin = Admin.create(broker.clientConfig())) {
        new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
        partitions =
            admin
                .describeTopics(List.of(topics.metrics().name()))
                .allTopicNames()
                .get()
                .get(topics.metrics().name())
                .partitions()
                .size();
        new TopicBootstrap(admin, (short) 1)
            .ensure(List.of(new TopicSpec("bench.perf", partitions, Map.of())));
      }
      System.out.println(BenchEnvironment.describe());

      // Rounds of both, one after the other, on the same broker: the machine's speed drifts
      // between minutes, and each round compares the two at about the same moment.
      List<Double> ratios = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double reference = producerPerformance(broker.bootstrapServers(), points);
        double otlp = otlp(broker, topics, points, clients);
        ratios.add(otlp / reference);
        System.out.printf(
            "round %d: ratio OTLP/HTTP datapoints/s / ProducerPerformance records/s = %.2f%n",
            round, otlp / reference);
      }
      List<Double> sorted = ratios.stream().sorted().toList();
      System.out.printf(
          "ratio, median of %d rounds = %.2f (all: %s)%n",
          rounds,
          sorted.get(sorted.size() / 2),
          ratios.stream().map(r -> String.format("%.2f", r)).toList());
    }
  }

  private static Map<String, Object> producerSettings(String bootstrap) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        true,
        ProducerConfig.COMPRESSION_TYPE_CONFIG,
        "lz4",
        ProducerConfig.LINGER_MS_CONFIG,
        0,
        ProducerConfig.BATCH_SIZE_CONFIG,
        256 * 1024);
  }

  /** Runs Kafka's ProducerPerformance in this JVM and returns its records/s. */
  private static double producerPerformance(String bootstrap, long records) throws Exception {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--topic",
            "bench.perf",
            "--num-records",
            Long.toString(records),
            "--record-size",
            "100",
            "--throughput",
            "-1",
            "--producer-props"));
    producerSettings(bootstrap).forEach((key, value) -> args.add(key + "=" + value));
    PrintStream console = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    ProcessUsage before = ProcessUsage.now();
    try {
      ProducerPerformance.main(args.toArray(String[]::new));
    } finally {
      System.setOut(console);
    }
    ProcessUsage used = ProcessUsage.now().minus(before);
    String output = captured.toString(StandardCharsets.UTF_8);
    String[] lines = output.strip().split("\n");
    String summary = lines[lines.length - 1];
    Matcher rate = Pattern.compile("([0-9.]+) records/sec").matcher(summary);
    if (!rate.find()) {
      throw new IllegalStateException("no records/sec in ProducerPerformance's output: " + output);
    }
    double recordsPerSecond = Double.parseDouble(rate.group(1));
    System.out.printf(
        "ProducerPerformance (100-byte records, %,d records): %,.0f records/s, %s — %s%n",
        records, recordsPerSecond, used.describe(records, "record"), summary.strip());
    return recordsPerSecond;
  }

  private static double otlp(EmbeddedBroker broker, Topics topics, long points, int clients)
      throws Exception {
    long requests = Math.max(clients, points / POINTS_PER_REQUEST);
    long warmUp = Math.max(clients, requests / 10);
    byte[][][] bodies = new byte[clients][BODIES_PER_CLIENT][];
    Instant base = Instant.now().minus(Duration.ofHours(1));
    for (int client = 0; client < clients; client++) {
      for (int i = 0; i < BODIES_PER_CLIENT; i++) {
        bodies[client][i] = body(client, base.plusSeconds(i)).toByteArray();
      }
    }
    System.out.printf(
        "OTLP request body: %,d bytes of protobuf for %,d points%n",
        bodies[0][0].length, POINTS_PER_REQUEST);
    try (Producer<String, byte[]> producer =
            new KafkaProducer<>(
                producerSettings(broker.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
        OtlpHttpReceiver receiver =
            OtlpHttpReceiver.start(
                OtlpReceiverConfig.defaults().withPort(0).withWorkerThreads(clients),
                producer,
                topics.metrics().name())) {
      byte[][][] requestsByClient = new byte[clients][BODIES_PER_CLIENT][];
      for (int client = 0; client < clients; client++) {
        for (int i = 0; i < BODIES_PER_CLIENT; i++) {
          requestsByClient[client][i] =
              KeepAliveHttpClient.post(
                  receiver.endpoint(), "application/x-protobuf", bodies[client][i]);
        }
      }
      send(receiver.endpoint(), requestsByClient, warmUp);
      Map<TopicPartition, Long> before = endOffsets(broker, topics);
      long start = System.nanoTime();
      ProcessUsage usageBefore = ProcessUsage.now();
      long accepted = send(receiver.endpoint(), requestsByClient, requests);
      double seconds = (System.nanoTime() - start) / 1e9;
      ProcessUsage used = ProcessUsage.now().minus(usageBefore);
      long[] written = writtenSince(broker, topics, before);
      if (written[1] != accepted) {
        throw new IllegalStateException(
            "the receiver answered 200 for " + accepted + " points but wrote " + written[1]);
      }
      double rate = accepted / seconds;
      System.out.printf(
          "OTLP/HTTP (%d clients, %,d points per request, protobuf): %,.0f datapoints/s, %s"
              + " (%,d points in %.1f s, all on %s in %,d records: %.0f points per record)%n",
          clients,
          POINTS_PER_REQUEST,
          rate,
          used.describe(accepted, "point"),
          accepted,
          seconds,
          topics.metrics().name(),
          written[0],
          (double) written[1] / written[0]);
      return rate;
    }
  }

  /**
   * Sends {@code requests} requests over the clients, each with its own keep-alive connection;
   * returns the points accepted.
   */
  private static long send(URI endpoint, byte[][][] requestsByClient, long requests)
      throws Exception {
    int clients = requestsByClient.length;
    AtomicLong next = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int client = 0; client < clients; client++) {
        byte[][] mine = requestsByClient[client];
        running.add(
            pool.submit(
                () -> {
                  try (KeepAliveHttpClient http = new KeepAliveHttpClient(endpoint)) {
                    long n;
                    while ((n = next.getAndIncrement()) < requests) {
                      KeepAliveHttpClient.Response response =
                          http.send(mine[(int) (n % mine.length)]);
                      if (response.status() != 200
                          || ExportMetricsServiceResponse.parseFrom(response.body())
                              .hasPartialSuccess()) {
                        throw new IllegalStateException(
                            "request answered "
                                + response.status()
                                + ": "
                                + new String(response.body(), StandardCharsets.UTF_8));
                      }
                      accepted.addAndGet(POINTS_PER_REQUEST);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> client : running) {
        client.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return accepted.get();
  }

  /** 1,000 gauge points: 100 metrics × 10 values of a point attribute, from host h{client}. */
  private static ExportMetricsServiceRequest body(int client, Instant time) {
    long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    int perMetric = POINTS_PER_REQUEST / METRICS;
    for (int metric = 0; metric < METRICS; metric++) {
      Gauge.Builder gauge = Gauge.newBuilder();
      for (int i = 0; i < perMetric; i++) {
        gauge.addDataPoints(
            NumberDataPoint.newBuilder()
                .setTimeUnixNano(nanos)
                .setAsDouble((metric * 7 + i) % 100)
                .addAttributes(attr("cpu", Integer.toString(i))));
      }
      scope.addMetrics(
          Metric.newBuilder().setName("bench.metric." + metric).setUnit("%").setGauge(gauge));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "bench"))
                        .addAttributes(attr("host.name", "h" + client)))
                .addScopeMetrics(scope))
        .build();
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /**
   * CPU time of this whole process (broker, clients and receiver or tool alike): per point, it
   * varies less than the rate on a shared machine.
   */
  private static Map<TopicPartition, Long> endOffsets(EmbeddedBroker broker, Topics topics) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            broker.clientConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.metrics().name()).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      return consumer.endOffsets(partitions);
    }
  }

  /** Records and points written since {@code from} (read after the timed run). */
  private static long[] writtenSince(
      EmbeddedBroker broker, Topics topics, Map<TopicPartition, Long> from) {
    Map<TopicPartition, Long> to = endOffsets(broker, topics);
    long records = 0;
    long points = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            broker.clientConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      while (from.keySet().stream().anyMatch(p -> consumer.position(p) < to.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
            records++;
            points += topics.metrics().codec().decode(record).size();
          }
        }
      }
    }
    return new long[] {records, points};
  }
}
