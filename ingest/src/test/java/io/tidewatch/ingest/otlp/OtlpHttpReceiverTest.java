package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.attr;
import static io.tidewatch.ingest.otlp.OtlpProto.gauge;
import static io.tidewatch.ingest.otlp.OtlpProto.point;
import static io.tidewatch.ingest.otlp.OtlpProto.request;
import static io.tidewatch.ingest.otlp.OtlpProto.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The receiver end to end: HTTP in, {@code MetricPoint}s out of a real embedded broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpHttpReceiverTest {

  private static final Topics TOPICS = new Topics("otlphttp1.");
  private static final String TOPIC = TOPICS.metrics().name();
  private static final Instant NOW = Instant.parse("2026-11-22T10:15:30.123456Z");
  private static final Instant SENT = Instant.parse("2026-11-22T10:15:00.555777Z");
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private final EmbeddedBroker broker;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Producer<String, byte[]> producer;
  private KafkaConsumer<String, byte[]> consumer;
  private List<TopicPartition> partitions;
  private OtlpHttpReceiver receiver;

  OtlpHttpReceiverTest(EmbeddedBroker broker) {
    this.broker = broker;
  }

  @BeforeAll
  void startReceiver() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    producer = producer(Duration.ofSeconds(10));
    Map<String, Object> consumerProps = new HashMap<>();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
    partitions =
        consumer.partitionsFor(TOPIC).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    consumer.assign(partitions);
    receiver = start(config());
  }

  @AfterAll
  void stopReceiver() {
    receiver.close();
    producer.close();
    consumer.close();
  }

  // --- success ---

  @Test
  void shouldWriteExactPointsWhenOtlpJsonExampleIsPosted() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();

    HttpResponse<byte[]> response = post(JSON, OtlpEncodingTest.exampleJson());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
    ExportMetricsServiceResponse.Builder body = ExportMetricsServiceResponse.newBuilder();
    JsonFormat.parser().merge(utf8(response), body);
    assertThat(body.hasPartialSuccess()).isFalse();
    List<MetricPoint> written = written(before);
    assertThat(written)
        .filteredOn(p -> p.distribution() != null)
        .singleElement()
        .satisfies(
            histogram -> {
              assertThat(histogram.series().name()).isEqualTo("request.duration");
              assertThat(histogram.series().dimensions()).containsEntry("http.route", "/cart");
              assertThat(histogram.distribution().count()).isEqualTo(3);
              assertThat(histogram.distribution().sum()).isEqualTo(3.0);
              assertThat(histogram.distribution().min()).isEqualTo(0.5);
              assertThat(histogram.distribution().max()).isEqualTo(2.5);
              assertThat(histogram.value()).isEqualTo(1.0);
            });
    // orders.placed is a cumulative counter: its first point is the stream's baseline, no delta
    assertThat(written)
        .filteredOn(p -> p.distribution() == null)
        .containsExactlyInAnyOrder(
            new MetricPoint(
                SeriesId.of(
                    "checkout",
                    "queue.depth",
                    Map.of(
                        "service.name", "checkout", "host.name", "broker-7", "queue", "payments")),
                Instant.parse("2018-12-13T14:51:00.300Z"),
                10,
                "{message}"));
  }

  @Test
  void shouldKeyRecordsBySeriesWhenWritingPoints() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();

    post(PROTOBUF, request(resource(attr("service.name", "api")), gauge("up", "1", point(SENT, 1))))
        .statusCode();

    List<ConsumerRecord<String, byte[]>> records = records(before);
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("api/up{service.name=api}");
  }

  @Test
  void shouldWriteTheManyPointsOfARequestAsOneBatchPerPartitionOfTheirSeries() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    NumberDataPoint[] points = new NumberDataPoint[300];
    for (int i = 0; i < points.length; i++) {
      points[i] = point(SENT, i, attr("host", "h" + i));
    }

    post(PROTOBUF, request(resource(attr("service.name", "api")), gauge("up", "1", points)))
        .statusCode();

    List<ConsumerRecord<String, byte[]>> records = records(before);
    assertThat(records).hasSizeLessThanOrEqualTo(partitions.size());
    List<MetricPoint> written = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      List<MetricPoint> batch = TOPICS.metrics().codec().decode(record).points();
      assertThat(batch)
          .as("every point of a batch belongs on the record's partition")
          .allSatisfy(
              p ->
                  assertThat(
                          org.apache.kafka.common.utils.Utils.toPositive(
                                  org.apache.kafka.common.utils.Utils.murmur2(
                                      p.series().key().getBytes(StandardCharsets.UTF_8)))
                              % partitions.size())
                      .isEqualTo(record.partition()));
      if (batch.size() > 1) {
        assertThat(record.key()).as("a batch has no one series key").isNull();
      }
      written.addAll(batch);
    }
    assertThat(written)
        .extracting(MetricPoint::value)
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(0, points.length).mapToObj(i -> (double) i).toList());
  }

  @Test
  void shouldWritePointsAndAnswerProtobufWhenProtobufIsPosted() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    Metric sum =
        Metric.newBuilder()
            .setName("jobs.done")
            .setUnit("{job}")
            .setSum(
                Sum.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setAsInt(17)
                            .addAttributes(attr("queue", "emails"))))
            .build();
    ExportMetricsServiceRequest request =
        request(
            resource(
                attr("service.namespace", "shop"),
                attr("service.name", "worker"),
                attr("deployment.environment", "prod"),
                attr("process.command", "java")),
            gauge(
                "heap.used",
                "By",
                point(SENT, 1.5e6, attr("pool", "eden")),
                point(SENT, 2.5e6, attr("pool", "old"))),
            sum);

    HttpResponse<byte[]> response = post(PROTOBUF, request.toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(PROTOBUF);
    assertThat(ExportMetricsServiceResponse.parseFrom(response.body()))
        .isEqualTo(ExportMetricsServiceResponse.getDefaultInstance());
    Map<String, String> resourceDims =
        Map.of("service.name", "worker", "deployment.environment", "prod");
    assertThat(written(before))
        .containsExactlyInAnyOrder(
            new MetricPoint(
                SeriesId.of("shop", "heap.used", with(resourceDims, "pool", "eden")),
                Instant.parse("2026-11-22T10:15:00.555Z"),
                1.5e6,
                "By"),
            new MetricPoint(
                SeriesId.of("shop", "heap.used", with(resourceDims, "pool", "old")),
                Instant.parse("2026-11-22T10:15:00.555Z"),
                2.5e6,
                "By"),
            new MetricPoint(
                SeriesId.of("shop", "jobs.done", with(resourceDims, "queue", "emails")),
                Instant.parse("2026-11-22T10:15:30.123Z"), // no time sent: the receive time
                17,
                "{job}"));
  }

  @Test
  void shouldDecompressBodyWhenContentEncodingIsGzip() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    byte[] protobuf =
        request(resource(attr("service.name", "gz")), gauge("g", "1", point(SENT, 7)))
            .toByteArray();

    HttpResponse<byte[]> protobufResponse =
        post(PROTOBUF, gzip(protobuf), "Content-Encoding", "gzip");
    HttpResponse<byte[]> jsonResponse =
        post(JSON, gzip(OtlpEncodingTest.exampleJson()), "Content-Encoding", "gzip");

    assertThat(protobufResponse.statusCode()).isEqualTo(200);
    assertThat(jsonResponse.statusCode()).isEqualTo(200);
    assertThat(written(before))
        .extracting(p -> p.series().name())
        .containsExactlyInAnyOrder("g", "request.duration", "queue.depth");
  }

  @Test
  void shouldReportPartialSuccessAndWriteGoodPointsWhenOnePointIsNaN() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    ExportMetricsServiceRequest request =
        request(
            resource(attr("service.name", "sensor")),
            gauge(
                "temperature",
                "Cel",
                point(SENT, 20.5, attr("room", "a")),
                point(SENT, Double.NaN, attr("room", "b")),
                point(SENT, 19.0, attr("room", "c"))));

    HttpResponse<byte[]> response = post(PROTOBUF, request.toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportMetricsServiceResponse body = ExportMetricsServiceResponse.parseFrom(response.body());
    assertThat(body.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(body.getPartialSuccess().getErrorMessage())
        .isEqualTo("rejected 1 data point: metric 'temperature': value NaN is not a finite number");
    assertThat(written(before))
        .extracting(MetricPoint::value)
        .containsExactlyInAnyOrder(20.5, 19.0);
  }

  @Test
  void shouldRejectAsInconsistentWhenAnExponentialBucketIsBeyondTheRangeOfADouble()
      throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    // scale -10: base 2^1024; bucket 10^9 starts at 2^(1024 × 10^9)
    ExponentialHistogramDataPoint huge =
        ExponentialHistogramDataPoint.newBuilder()
            .setTimeUnixNano(OtlpProto.nanos(SENT))
            .setCount(1)
            .setScale(-10)
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(1_000_000_000)
                    .addBucketCounts(1))
            .build();
    Metric histogram =
        Metric.newBuilder()
            .setName("latency")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(huge))
            .build();

    HttpResponse<byte[]> response =
        post(PROTOBUF, request(resource(attr("service.name", "api")), histogram).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportMetricsServiceResponse body = ExportMetricsServiceResponse.parseFrom(response.body());
    assertThat(body.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(body.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "rejected 1 data point: metric 'latency': exponential histogram point is"
                + " inconsistent: positive bucket 1000000000 at scale -10 starts beyond the largest"
                + " double");
    assertThat(written(before)).isEmpty();
  }

  @Test
  void shouldReportPartialSuccessInJsonWhenJsonPointIsInfinite() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    String json =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\",\"gauge\":"
            + "{\"dataPoints\":[{\"asDouble\":\"Infinity\"},{\"asDouble\":2.5}]}}]}]}]}";

    HttpResponse<byte[]> response = post(JSON, json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(utf8(response)).contains("\"rejectedDataPoints\":\"1\""); // int64 as a string
    ExportMetricsServiceResponse.Builder body = ExportMetricsServiceResponse.newBuilder();
    JsonFormat.parser().merge(utf8(response), body);
    assertThat(body.getPartialSuccess().getErrorMessage())
        .isEqualTo("rejected 1 data point: metric 'm': value Infinity is not a finite number");
    assertThat(written(before)).extracting(MetricPoint::value).containsExactly(2.5);
  }

  // --- bad input ---

  @Test
  void shouldAnswer400WithJsonStatusAndWriteNothingWhenJsonIsMalformed() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();

    HttpResponse<byte[]> response =
        post(JSON, "{\"resourceMetrics\": [ {\"resource\": ".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
    Status.Builder status = Status.newBuilder();
    JsonFormat.parser().merge(utf8(response), status);
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .isEqualTo(
            "cannot parse the body as an OTLP JSON ExportMetricsServiceRequest: malformed JSON at"
                + " line 1, column 36 (in /resourceMetrics/0/resource): Unexpected end-of-input"
                + " within/between Object entries");
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void shouldAnswer400WithPathWhenAJsonFieldHasTheWrongType() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    String numberAsName =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":42,\"gauge\":"
            + "{\"dataPoints\":[{\"asDouble\":1}]}}]}]}]}";
    String objectAsFlag =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\",\"sum\":"
            + "{\"isMonotonic\":\"yes\",\"dataPoints\":[{\"asDouble\":1}]}}]}]}]}";

    HttpResponse<byte[]> name = post(JSON, numberAsName.getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> flag = post(JSON, objectAsFlag.getBytes(StandardCharsets.UTF_8));

    assertThat(name.statusCode()).isEqualTo(400);
    assertThat(jsonStatus(name).getMessage())
        .isEqualTo(
            "cannot parse the body as an OTLP JSON ExportMetricsServiceRequest: at"
                + " /resourceMetrics/0/scopeMetrics/0/metrics/0/name: expected a string, found a"
                + " number");
    assertThat(flag.statusCode()).isEqualTo(400);
    assertThat(jsonStatus(flag).getMessage())
        .endsWith(
            "at /resourceMetrics/0/scopeMetrics/0/metrics/0/sum/isMonotonic: expected true or"
                + " false, found a string");
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void shouldAnswer400WithProtobufStatusAndWriteNothingWhenProtobufIsMalformed() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    // field 1 (resource_metrics), length-delimited, claims 5 bytes but only 1 follows
    byte[] truncated = {0x0A, 0x05, 0x01};

    HttpResponse<byte[]> response = post(PROTOBUF, truncated);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains(PROTOBUF);
    Status status = Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .startsWith("cannot parse the body as an OTLP protobuf ExportMetricsServiceRequest: ")
        .contains("input ended unexpectedly");
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void shouldAnswer400WhenGzipBodyIsCorrupt() throws Exception {
    HttpResponse<byte[]> response =
        post(
            PROTOBUF,
            "not gzip at all".getBytes(StandardCharsets.UTF_8),
            "Content-Encoding",
            "gzip");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Status.parseFrom(response.body()).getMessage())
        .startsWith("request body is not valid gzip: ");
  }

  @Test
  void shouldAnswer413WithLimitWhenBodyIsLargerThanConfigured() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    try (OtlpHttpReceiver small = start(config().withMaxBodyBytes(1024))) {
      byte[] big = manyPoints(100).toByteArray();
      assertThat(big.length).isGreaterThan(1024);

      HttpResponse<byte[]> response = post(small.endpoint(), PROTOBUF, big);

      assertThat(response.statusCode()).isEqualTo(413);
      Status status = Status.parseFrom(response.body());
      assertThat(status.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
      assertThat(status.getMessage())
          .isEqualTo(
              "request body of "
                  + big.length
                  + " bytes is larger than the limit of 1024 bytes (maxBodyBytes)");
    }
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void shouldAnswer413WhenBodyWithoutContentLengthStreamsPastTheLimit() throws Exception {
    try (OtlpHttpReceiver small = start(config().withMaxBodyBytes(1024))) {
      byte[] big = manyPoints(100).toByteArray();
      HttpRequest chunked =
          HttpRequest.newBuilder(small.endpoint())
              .header("Content-Type", PROTOBUF)
              .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
              .build();

      HttpResponse<byte[]> response = http.send(chunked, HttpResponse.BodyHandlers.ofByteArray());

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(Status.parseFrom(response.body()).getMessage())
          .isEqualTo("request body is larger than the limit of 1024 bytes (maxBodyBytes)");
    }
  }

  @Test
  void shouldAnswer413WhenSmallGzipBodyInflatesPastTheLimit() throws Exception {
    Map<TopicPartition, Long> before = endOffsets();
    try (OtlpHttpReceiver small = start(config().withMaxBodyBytes(1024))) {
      byte[] inflated = new byte[256 * 1024];
      java.util.Arrays.fill(inflated, (byte) ' ');
      byte[] bomb = gzip(inflated);
      assertThat(bomb.length).isLessThan(1024);

      HttpResponse<byte[]> response =
          post(small.endpoint(), JSON, bomb, "Content-Encoding", "gzip");

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
      Status.Builder status = Status.newBuilder();
      JsonFormat.parser().merge(utf8(response), status);
      assertThat(status.getMessage())
          .isEqualTo(
              "decompressed request body is larger than the limit of 1024 bytes (maxBodyBytes)");
    }
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void shouldAnswer415WithProtobufStatusWhenContentTypeIsTextPlain() throws Exception {
    HttpResponse<byte[]> response = post("text/plain", "cpu 0.5".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.headers().firstValue("Content-Type")).contains(PROTOBUF);
    Status status = Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .isEqualTo(
            "unsupported Content-Type 'text/plain': send application/x-protobuf or"
                + " application/json");
  }

  @Test
  void shouldAnswer415WhenContentEncodingIsNotGzip() throws Exception {
    HttpResponse<byte[]> response = post(PROTOBUF, new byte[] {1, 2, 3}, "Content-Encoding", "br");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(Status.parseFrom(response.body()).getMessage())
        .isEqualTo("unsupported Content-Encoding 'br': send gzip or no encoding");
  }

  @Test
  void shouldAnswer405WithAllowHeaderWhenMethodIsNotPost() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(receiver.endpoint()).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("POST");
    assertThat(utf8(response)).contains("method GET is not allowed on /v1/metrics: use POST");
  }

  @Test
  void shouldAnswer404WhenPathIsUnknown() throws Exception {
    URI traces = receiver.endpoint().resolve("/v1/traces");

    HttpResponse<byte[]> response = post(traces, PROTOBUF, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Status.parseFrom(response.body()).getMessage())
        .isEqualTo(
            "no OTLP endpoint at '/v1/traces': metrics are received at POST /v1/metrics, logs at"
                + " POST /v1/logs");
  }

  @Test
  void shouldAnswer503WithRetryAfterWhenKafkaCannotTakeThePoints() throws Exception {
    try (Producer<String, byte[]> stuck = producer(Duration.ofMillis(500));
        OtlpHttpReceiver toMissingTopic =
            OtlpHttpReceiver.start(config(), stuck, "otlphttp1.does-not-exist", fixedClock())) {
      byte[] body = request(resource(), gauge("g", "1", point(SENT, 1))).toByteArray();

      HttpResponse<byte[]> response = post(toMissingTopic.endpoint(), PROTOBUF, body);

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).contains("5");
      Status status = Status.parseFrom(response.body());
      assertThat(status.getCode()).isEqualTo(Code.UNAVAILABLE_VALUE);
      assertThat(status.getMessage())
          .startsWith("cannot write to Kafka topic 'otlphttp1.does-not-exist' (")
          .endsWith("; retry later");
    }
  }

  // --- lifecycle ---

  @Test
  void shouldAnswer503WithRetryAfterWhenEveryConnectionSlotIsBusy() throws Exception {
    byte[] body = request(resource(), gauge("slow", "1", point(SENT, 1))).toByteArray();
    try (OtlpHttpReceiver busy = start(config().withMaxConnections(1));
        // headers only: the one connection slot waits for this body
        Socket first = sendHeadersOnly(busy.endpoint(), body.length)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> busy.executor().active() == 1);

      HttpResponse<byte[]> shed = post(busy.endpoint(), PROTOBUF, body);

      assertThat(shed.statusCode()).isEqualTo(503);
      assertThat(shed.headers().firstValue("Retry-After")).contains("5");
      assertThat(Status.parseFrom(shed.body()).getMessage())
          .isEqualTo(
              "the OTLP receiver is overloaded: every connection slot is busy (maxConnections);"
                  + " retry later");
      assertThat(sendBodyAndReadStatus(first, body)).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void shouldKeepServingWhenEarlierRequestsFailed() throws Exception {
    post(PROTOBUF, new byte[] {0x0A, 0x05, 0x01});
    post("text/plain", new byte[0]);

    HttpResponse<byte[]> response =
        post(PROTOBUF, request(resource(), gauge("after", "1", point(SENT, 1))).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldReleaseThePortWhenClosed() throws Exception {
    OtlpHttpReceiver closing = start(config());
    URI endpoint = closing.endpoint();
    assertThat(closing.port()).isPositive();
    assertThat(endpoint.toString()).isEqualTo("http://127.0.0.1:" + closing.port() + "/v1/metrics");

    closing.close();
    closing.close(); // idempotent

    assertThatThrownBy(() -> post(endpoint, PROTOBUF, new byte[0]))
        .isInstanceOf(ConnectException.class);
  }

  // --- helpers ---

  private static OtlpReceiverConfig config() {
    return OtlpReceiverConfig.defaults().withPort(0);
  }

  private static Clock fixedClock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  private OtlpHttpReceiver start(OtlpReceiverConfig config) throws IOException {
    return OtlpHttpReceiver.start(config, producer, TOPIC, fixedClock());
  }

  private Producer<String, byte[]> producer(Duration maxBlock) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) maxBlock.toMillis());
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private HttpResponse<byte[]> post(String contentType, ExportMetricsServiceRequest request)
      throws IOException, InterruptedException {
    return post(contentType, request.toByteArray());
  }

  private HttpResponse<byte[]> post(String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    return post(receiver.endpoint(), contentType, body, headers);
  }

  private HttpResponse<byte[]> post(URI uri, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Socket sendHeadersOnly(URI endpoint, int contentLength) throws IOException {
    Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
    socket.setSoTimeout(10_000);
    String headers =
        "POST "
            + endpoint.getPath()
            + " HTTP/1.1\r\nHost: "
            + endpoint.getHost()
            + "\r\nContent-Type: "
            + PROTOBUF
            + "\r\nContent-Length: "
            + contentLength
            + "\r\n\r\n";
    socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  private static String sendBodyAndReadStatus(Socket socket, byte[] body) throws IOException {
    socket.getOutputStream().write(body);
    socket.getOutputStream().flush();
    return new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
  }

  private static Status jsonStatus(HttpResponse<byte[]> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
    Status.Builder status = Status.newBuilder();
    JsonFormat.parser().merge(utf8(response), status);
    return status.build();
  }

  private static String utf8(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    }
    return out.toByteArray();
  }

  private static ExportMetricsServiceRequest manyPoints(int count) {
    NumberDataPoint[] points = new NumberDataPoint[count];
    for (int i = 0; i < count; i++) {
      points[i] = point(SENT, i, attr("index", AnyValue.newBuilder().setIntValue(i).build()));
    }
    return request(resource(attr("service.name", "big")), gauge("many", "1", points));
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> dimensions = new HashMap<>(base);
    dimensions.put(key, value);
    return dimensions;
  }

  private Map<TopicPartition, Long> endOffsets() {
    return consumer.endOffsets(partitions);
  }

  /** The points written since {@code before}; a 200 means they are all acknowledged. */
  private List<MetricPoint> written(Map<TopicPartition, Long> before) {
    return records(before).stream()
        .flatMap(r -> TOPICS.metrics().codec().decode(r).points().stream())
        .toList();
  }

  private List<ConsumerRecord<String, byte[]>> records(Map<TopicPartition, Long> before) {
    Map<TopicPartition, Long> end = endOffsets();
    before.forEach(consumer::seek);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      assertThat(System.nanoTime() - deadline).as("reading the written records").isNegative();
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
          records.add(record);
        }
      }
    }
    return records;
  }
}
