package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleGauge;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 1 of issue 4: the real OpenTelemetry Java SDK and its OTLP exporters (HTTP/protobuf
 * and gRPC) export a gauge, a counter and a histogram to the receivers; the points on {@code
 * tw.metrics} carry the right values and dimensions.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpSdkAcceptanceTest {

  private static final Topics TOPICS = new Topics("otlpsdk1.");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  private final EmbeddedBroker broker;
  private Producer<String, byte[]> metricsProducer;
  private Producer<String, LogEvent> logsProducer;
  private OtlpHttpReceiver http;
  private OtlpGrpcReceiver grpc;

  OtlpSdkAcceptanceTest(EmbeddedBroker broker) {
    this.broker = broker;
  }

  @BeforeAll
  void start() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    metricsProducer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    logsProducer =
        new KafkaProducer<>(props, new StringSerializer(), TOPICS.logs().codec().serializer());
    OtlpSink sink =
        new OtlpSink(metricsProducer, TOPICS.metrics().name(), logsProducer, TOPICS.logs().name());
    http = OtlpHttpReceiver.start(OtlpReceiverConfig.defaults().withPort(0), sink);
    grpc = OtlpGrpcReceiver.start(OtlpReceiverConfig.defaults().withPort(0), sink);
  }

  @AfterAll
  void stop() {
    grpc.close();
    http.close();
    metricsProducer.close();
    logsProducer.close();
  }

  @Test
  void shouldDeliverGaugeCounterAndHistogramWhenTheSdkExportsOverHttpProtobuf() throws Exception {
    // the SDK's default: cumulative temporality, so the receiver turns totals into deltas
    MetricExporter exporter =
        OtlpHttpMetricExporter.builder().setEndpoint(http.endpoint().toString()).build();
    exportTwiceAndCheck(exporter, "http-sdk", Bounds.ESTIMATED);
  }

  @Test
  void shouldDeliverGaugeCounterAndHistogramWhenTheSdkExportsOverGrpc() throws Exception {
    MetricExporter exporter =
        OtlpGrpcMetricExporter.builder()
            .setEndpoint("http://" + grpc.target())
            .setCompression("gzip")
            .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
            .build();
    exportTwiceAndCheck(exporter, "grpc-sdk", Bounds.EXACT);
  }

  private enum Bounds {
    /** Delta points carry their own min and max. */
    EXACT,
    /** Deltas of cumulative points know min and max only from their buckets. */
    ESTIMATED
  }

  /**
   * Two export rounds. Round 1: gauge 41.5, counter +4, histogram 20 and 900 ms. Round 2: gauge
   * 97.25, counter +6, histogram 98 × 20 ms and 2 × 900 ms. What round 2 must deliver: the gauge,
   * the counter's 6 for that period, a histogram of 100 samples with a p99 among the slow ones.
   */
  private void exportTwiceAndCheck(MetricExporter exporter, String service, Bounds bounds)
      throws Exception {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", service)
                        .put("host.name", "web-1")
                        .put("process.pid", 4242L)
                        .build()));
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build();
    try {
      Meter meter = provider.get("io.tidewatch.acceptance");
      DoubleGauge cpu = meter.gaugeBuilder("system.cpu.utilization").setUnit("%").build();
      LongCounter orders = meter.counterBuilder("orders.placed").setUnit("{order}").build();
      DoubleHistogram latency =
          meter.histogramBuilder("http.server.request.duration").setUnit("ms").build();
      Attributes cart = Attributes.of(ROUTE, "/cart");

      cpu.set(41.5, Attributes.of(AttributeKey.stringKey("cpu"), "0"));
      orders.add(4, cart);
      latency.record(20, cart);
      latency.record(900, cart);
      assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();

      cpu.set(97.25, Attributes.of(AttributeKey.stringKey("cpu"), "0"));
      orders.add(6, cart);
      for (int i = 0; i < 100; i++) {
        latency.record(i < 98 ? 20 : 900, cart);
      }
      assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.close();
    }

    // closing the provider exported a third time: the gauge again, the counter's 0 (cumulative)
    Map<String, String> host = Map.of("service.name", service, "host.name", "web-1");
    List<MetricPoint> points =
        awaitPoints(
            p -> p.series().namespace().equals(service),
            found ->
                values(found, "system.cpu.utilization").containsAll(List.of(41.5, 97.25))
                    && values(found, "orders.placed").contains(6.0)
                    && found.stream()
                        .anyMatch(
                            p -> p.distribution() != null && p.distribution().count() == 100));

    assertThat(values(points, "system.cpu.utilization")).startsWith(41.5, 97.25);
    assertThat(points)
        .filteredOn(p -> p.series().name().equals("system.cpu.utilization"))
        .allSatisfy(
            p -> {
              assertThat(p.series().dimensions()).isEqualTo(with(host, "cpu", "0"));
              assertThat(p.unit()).isEqualTo("%");
              assertThat(p.distribution()).isNull();
            });
    assertThat(values(points, "orders.placed"))
        .as(bounds == Bounds.EXACT ? "one delta per export" : "round 1 is the baseline")
        .startsWith(bounds == Bounds.EXACT ? new Double[] {4.0, 6.0} : new Double[] {6.0});
    assertThat(points)
        .filteredOn(p -> p.series().name().equals("orders.placed"))
        .allSatisfy(
            p -> {
              assertThat(p.series().dimensions()).isEqualTo(with(host, "http.route", "/cart"));
              assertThat(p.unit()).isEqualTo("{order}");
            });
    MetricPoint histogram =
        points.stream()
            .filter(p -> p.series().name().equals("http.server.request.duration"))
            .filter(p -> p.distribution().count() == 100)
            .findFirst()
            .orElseThrow();
    assertThat(histogram.series().dimensions()).isEqualTo(with(host, "http.route", "/cart"));
    assertThat(histogram.unit()).isEqualTo("ms");
    assertThat(histogram.distribution().count()).isEqualTo(100);
    assertThat(histogram.distribution().sum()).isEqualTo(98 * 20.0 + 2 * 900.0);
    assertThat(histogram.distribution().min()).isEqualTo(20.0);
    assertThat(histogram.distribution().max()).isEqualTo(900.0);
    // the SDK's default buckets put 900 ms in (750, 1000]: the p99 lies in (750, 900]
    assertThat(PercentileSketchProbe.quantile(histogram.distribution(), 0.99))
        .isBetween(750.0, 900.0 * 1.01);
    assertThat(PercentileSketchProbe.quantile(histogram.distribution(), 0.5))
        .isCloseTo(20.0, Percentage.withPercentage(30)); // spread over its bucket (10, 25]
    if (bounds == Bounds.EXACT) {
      // round 1 as a delta of its own: 2 samples
      assertThat(points)
          .filteredOn(p -> p.series().name().equals("http.server.request.duration"))
          .extracting(p -> p.distribution().count())
          .startsWith(2L, 100L);
    }
  }

  private static List<Double> values(List<MetricPoint> points, String name) {
    return points.stream()
        .filter(p -> p.series().name().equals(name))
        .map(MetricPoint::value)
        .toList();
  }

  @Test
  void shouldWriteLogRecordsWhenExportedOverGrpc() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forTarget(grpc.target()).usePlaintext().build();
    try {
      ExportLogsServiceResponse response =
          LogsServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(20, TimeUnit.SECONDS)
              .export(
                  ExportLogsServiceRequest.newBuilder()
                      .addResourceLogs(
                          ResourceLogs.newBuilder()
                              .setResource(
                                  io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                                      .addAttributes(
                                          KeyValue.newBuilder()
                                              .setKey("service.name")
                                              .setValue(
                                                  AnyValue.newBuilder()
                                                      .setStringValue("grpc-logs"))))
                              .addScopeLogs(
                                  ScopeLogs.newBuilder()
                                      .addLogRecords(
                                          LogRecord.newBuilder()
                                              .setTimeUnixNano(1_763_806_500_000_000_000L)
                                              .setBody(
                                                  AnyValue.newBuilder()
                                                      .setStringValue("hello over gRPC")))))
                      .build());

      assertThat(response.hasPartialSuccess()).isFalse();
    } finally {
      channel.shutdownNow();
    }
    List<LogEvent> events =
        awaitRecords(
            TOPICS.logs().name(),
            record -> List.of(TOPICS.logs().codec().decode(record)),
            e -> e.logGroup().equals("grpc-logs"),
            found -> !found.isEmpty());
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.message()).isEqualTo("hello over gRPC");
              assertThat(e.timestamp().toEpochMilli()).isEqualTo(1_763_806_500_000L);
            });
  }

  // --- helpers ---

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> dimensions = new HashMap<>(base);
    dimensions.put(key, value);
    return dimensions;
  }

  private List<MetricPoint> awaitPoints(
      java.util.function.Predicate<MetricPoint> mine,
      java.util.function.Predicate<List<MetricPoint>> complete) {
    return awaitRecords(
        TOPICS.metrics().name(),
        record -> TOPICS.metrics().codec().decode(record).points(),
        mine,
        complete);
  }

  /** Every record of the topic that is {@code mine}, in offset order per partition. */
  private <T> List<T> awaitRecords(
      String topic,
      Function<ConsumerRecord<String, byte[]>, List<T>> decode,
      java.util.function.Predicate<T> mine,
      java.util.function.Predicate<List<T>> complete) {
    List<T> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  for (ConsumerRecord<String, byte[]> record :
                      consumer.poll(Duration.ofMillis(200))) {
                    for (T value : decode.apply(record)) {
                      if (mine.test(value)) {
                        found.add(value);
                      }
                    }
                  }
                  return complete.test(found);
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("incomplete; records on " + topic + ": " + found, e);
      }
    }
    return found;
  }
}
