package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The receiver reads protobuf exports from their bytes ({@link OtlpMetricsWire}); whatever the
 * bytes, the result must be the one the generated parser's objects give: these tests map each body
 * both ways, with fresh mappers, and compare everything.
 */
class OtlpMetricsWireTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-05T10:00:00.123Z");
  private static final long SENT = 1_764_928_800_000_000_000L;

  /** Maps the bodies in order both ways and checks the results are the same. */
  private static void assertSameAsGenerated(List<byte[]> bodies) throws Exception {
    OtlpMetricsMapper fromObjects = new OtlpMetricsMapper(AttributeFilter.defaults());
    OtlpMetricsMapper fromBytes = new OtlpMetricsMapper(AttributeFilter.defaults());
    for (byte[] body : bodies) {
      MappingResult<MappedPoint> expected =
          fromObjects.map(ExportMetricsServiceRequest.parseFrom(body), RECEIVED);
      MappingResult<MappedPoint> actual = fromBytes.map(body, RECEIVED);

      assertThat(actual.errorMessage()).isEqualTo(expected.errorMessage());
      assertThat(actual.rejectedByReason()).isEqualTo(expected.rejectedByReason());
      assertThat(actual.accepted()).hasSameSizeAs(expected.accepted());
      for (int i = 0; i < expected.accepted().size(); i++) {
        MappedPoint want = expected.accepted().get(i);
        MappedPoint got = actual.accepted().get(i);
        assertThat(got.point()).isEqualTo(want.point());
        assertThat(got.series().key()).isEqualTo(want.series().key());
        assertThat(got.series().fields()).isEqualTo(want.series().fields());
      }
    }
  }

  private static void assertSameAsGenerated(byte[] body) throws Exception {
    assertSameAsGenerated(List.of(body));
  }

  @Test
  void shouldMapRandomExportsExactlyAsTheGeneratedParserDoes() throws Exception {
    Random random = new Random(20261205);
    for (int run = 0; run < 300; run++) {
      List<byte[]> bodies = new ArrayList<>();
      ExportMetricsServiceRequest request = randomRequest(random);
      for (int export = 0; export < 3; export++) {
        bodies.add(laterCopy(request, export).toByteArray());
      }
      assertSameAsGenerated(bodies);
    }
  }

  @Test
  void shouldReadAGaugesPointsWithoutTheGeneratedParser() throws Exception {
    byte[] body =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(resource(attr("service.name", "cart")))
                    .addScopeMetrics(
                        scope(
                            gauge("cpu", point(0.5, attr("cpu", "0")), point(0.75)),
                            cumulativeCounter("requests", 5))))
            .build()
            .toByteArray();

    List<OtlpMetricsWire.ResourceExport> resources = OtlpMetricsWire.resources(body);

    assertThat(resources)
        .singleElement()
        .satisfies(
            r -> assertThat(r.resource().getAttributes(0).getKey()).isEqualTo("service.name"));
    List<OtlpMetricsWire.MetricBytes> metrics = resources.get(0).scopes().get(0).metrics();
    OtlpMetricsWire.NumberMetric cpu = metrics.get(0).number();
    assertThat(cpu.name()).isEqualTo("cpu");
    assertThat(cpu.sum()).isFalse();
    assertThat(cpu.points()).hasSize(2);
    assertThat(cpu.points().get(0).asDouble()).isEqualTo(0.5);
    assertThat(cpu.points().get(0).attributeTexts()).containsExactly("cpu", "0");
    assertThat(cpu.points().get(1).attributeTexts()).isEmpty();
    assertThat(cpu.points().get(1).timeNanos()).isEqualTo(SENT);
    OtlpMetricsWire.NumberMetric requests = metrics.get(1).number();
    assertThat(requests.cumulativeCounter()).isTrue();
    assertThat(requests.points().get(0).startNanos()).isEqualTo(SENT - 1_000_000_000L);
  }

  @Test
  void shouldMergeAResourceSentTwiceAsProtobufDoes() throws Exception {
    byte[] resourceMetrics =
        concat(
            field(1, resource(attr("service.name", "cart")).toByteArray()),
            field(1, resource(attr("host.name", "web-1")).toByteArray()),
            field(2, scope(gauge("cpu", point(0.5, attr("cpu", "0")))).toByteArray()));

    assertSameAsGenerated(field(1, resourceMetrics));
  }

  @Test
  void shouldMergeAScopeSentTwiceAndSkipSchemaUrls() throws Exception {
    byte[] scopeMetrics =
        concat(
            field(1, InstrumentationScope.newBuilder().setName("a").build().toByteArray()),
            field(2, cumulativeCounter("requests", 5).toByteArray()),
            field(1, InstrumentationScope.newBuilder().setVersion("2").build().toByteArray()),
            field(3, "https://opentelemetry.io/schemas/1.0".getBytes()));
    byte[] resourceMetrics =
        concat(
            field(2, scopeMetrics), field(1, resource(attr("service.name", "cart")).toByteArray()));

    assertSameAsGenerated(List.of(field(1, resourceMetrics), field(1, resourceMetrics)));
  }

  @Test
  void shouldLeaveAMetricWithItsDataSentTwiceToTheGeneratedParser() throws Exception {
    byte[] metric =
        concat(
            gauge("cpu", point(1, attr("cpu", "0"))).toByteArray(),
            gauge("", point(2, attr("cpu", "1"))).toByteArray(),
            Metric.newBuilder()
                .setSum(Sum.newBuilder().addDataPoints(point(3, attr("cpu", "2"))))
                .build()
                .toByteArray());

    assertSameAsGenerated(request(field(2, metric)));
  }

  @Test
  void shouldReadUnusualAttributesAsTheGeneratedParserDoes() throws Exception {
    KeyValue valueTwice =
        KeyValue.parseFrom(
            concat(
                attr("k", "first").toByteArray(),
                KeyValue.newBuilder()
                    .setValue(AnyValue.newBuilder().setIntValue(7))
                    .build()
                    .toByteArray()));
    byte[] stringThenUnknown =
        concat(
            field(1, "text".getBytes()), // string_value
            field(99, "unknown".getBytes()));
    byte[] keyValueWithOddValue =
        concat(field(1, "odd".getBytes()), field(2, stringThenUnknown), field(42, new byte[0]));
    byte[] point =
        concat(
            field(7, valueTwice.toByteArray()),
            field(7, keyValueWithOddValue),
            field(7, KeyValue.newBuilder().setKey("empty").build().toByteArray()),
            field(7, attr("arr", arrayValue()).toByteArray()),
            fixed64(3, SENT),
            fixed64(4, Double.doubleToLongBits(1.5)),
            fixed64(6, 12), // as_int after as_double: the last one wins
            varintField(3, 5)); // time as a varint: the wrong wire type, an unknown field
    byte[] gauge = field(1, point);
    byte[] metric = concat(field(1, "cpu".getBytes()), field(5, gauge));

    assertSameAsGenerated(request(field(2, metric)));
  }

  @Test
  void shouldLeaveMetricsWithExemplarsOrMetadataToTheGeneratedParser() throws Exception {
    Metric withExemplar =
        Metric.newBuilder()
            .setName("latency")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        point(2, attr("route", "/a")).toBuilder()
                            .addExemplars(
                                Exemplar.newBuilder()
                                    .setAsDouble(2)
                                    .setTimeUnixNano(SENT)
                                    .addFilteredAttributes(attr("user", "u1")))))
            .build();
    Metric withMetadata =
        gauge("cpu", point(1)).toBuilder().addMetadata(attr("source", "test")).build();

    assertSameAsGenerated(
        request(field(2, withExemplar.toByteArray()), field(2, withMetadata.toByteArray())));
  }

  @Test
  void shouldRefuseWhatTheGeneratedParserRefusesWithItsMessage() {
    byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28};
    byte[] badKey =
        request(
            field(
                2,
                concat(
                    field(1, "cpu".getBytes()),
                    field(5, field(1, field(7, field(1, invalidUtf8)))))));
    byte[] truncated =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder().addScopeMetrics(scope(gauge("cpu", point(1)))))
            .build()
            .toByteArray();
    byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);

    for (byte[] body : List.of(badKey, cut)) {
      OtlpMetricsMapper mapper = new OtlpMetricsMapper(AttributeFilter.defaults());
      InvalidProtocolBufferException generated =
          org.junit.jupiter.api.Assertions.assertThrows(
              InvalidProtocolBufferException.class,
              () -> ExportMetricsServiceRequest.parseFrom(body));
      assertThatThrownBy(() -> mapper.map(body, RECEIVED))
          .isInstanceOf(InvalidProtocolBufferException.class)
          .hasMessage(generated.getMessage());
    }
  }

  // --- random exports -------------------------------------------------------------------------

  private static ExportMetricsServiceRequest randomRequest(Random random) {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int r = random.nextInt(3); r >= 0; r--) {
      Resource.Builder resource = Resource.newBuilder();
      if (random.nextBoolean()) {
        resource.addAttributes(attr("service.name", "svc" + random.nextInt(3)));
      }
      if (random.nextBoolean()) {
        resource.addAttributes(attr("host.name", "web-" + random.nextInt(3)));
      }
      if (random.nextInt(4) == 0) {
        resource.addAttributes(attr("service.namespace", "shop"));
      }
      ResourceMetrics.Builder resourceMetrics = ResourceMetrics.newBuilder().setResource(resource);
      for (int s = random.nextInt(3); s >= 0; s--) {
        ScopeMetrics.Builder scope =
            ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("lib" + random.nextInt(2)));
        for (int m = random.nextInt(6); m >= 0; m--) {
          scope.addMetrics(randomMetric(random));
        }
        resourceMetrics.addScopeMetrics(scope);
      }
      request.addResourceMetrics(resourceMetrics);
    }
    return request.build();
  }

  private static Metric randomMetric(Random random) {
    String name = random.nextInt(12) == 0 ? "" : "metric." + random.nextInt(5);
    Metric.Builder metric =
        Metric.newBuilder().setName(name).setUnit(random.nextBoolean() ? "ms" : "");
    if (random.nextInt(5) == 0) {
      metric.setDescription("what it measures");
    }
    int points = random.nextInt(5);
    switch (random.nextInt(6)) {
      case 0, 1 -> {
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int i = 0; i < points; i++) {
          gauge.addDataPoints(randomPoint(random));
        }
        metric.setGauge(gauge);
      }
      case 2, 3 -> {
        Sum.Builder sum =
            Sum.newBuilder()
                .setIsMonotonic(random.nextBoolean())
                .setAggregationTemporality(
                    random.nextBoolean()
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
        for (int i = 0; i < points; i++) {
          sum.addDataPoints(randomPoint(random));
        }
        metric.setSum(sum);
      }
      case 4 -> {
        Histogram.Builder histogram =
            Histogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (int i = 0; i < points; i++) {
          histogram.addDataPoints(
              HistogramDataPoint.newBuilder()
                  .setTimeUnixNano(SENT + i)
                  .setStartTimeUnixNano(SENT - 1)
                  .setCount(3)
                  .setSum(6)
                  .addExplicitBounds(1)
                  .addBucketCounts(1)
                  .addBucketCounts(2)
                  .addAttributes(attr("route", "/" + random.nextInt(3))));
        }
        metric.setHistogram(histogram);
      }
      default -> {
        Summary.Builder summary = Summary.newBuilder();
        for (int i = 0; i < points; i++) {
          summary.addDataPoints(
              SummaryDataPoint.newBuilder()
                  .setTimeUnixNano(SENT + i)
                  .setCount(2)
                  .setSum(3)
                  .addQuantileValues(
                      SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(1)));
        }
        metric.setSummary(summary);
      }
    }
    return metric.build();
  }

  private static NumberDataPoint randomPoint(Random random) {
    NumberDataPoint.Builder point =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(random.nextInt(6) == 0 ? 0 : SENT + random.nextInt(1000) * 1_000_000L)
            .setStartTimeUnixNano(random.nextInt(3) == 0 ? 0 : SENT - 1_000_000_000L);
    switch (random.nextInt(8)) {
      case 0 -> point.setAsInt(random.nextInt(100) - 50);
      case 1 -> point.setAsDouble(Double.NaN);
      case 2 -> point.setAsDouble(Double.POSITIVE_INFINITY);
      case 3 -> {
        // no value
      }
      default -> point.setAsDouble(random.nextDouble() * 100);
    }
    if (random.nextInt(10) == 0) {
      point.setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE);
    }
    for (int a = random.nextInt(4); a > 0; a--) {
      point.addAttributes(
          switch (random.nextInt(7)) {
            case 0 -> attr("core", AnyValue.newBuilder().setIntValue(random.nextInt(4)).build());
            case 1 -> attr("up", AnyValue.newBuilder().setBoolValue(random.nextBoolean()).build());
            case 2 -> attr("ratio", AnyValue.newBuilder().setDoubleValue(0.25).build());
            case 3 -> attr("tags", arrayValue());
            case 4 ->
                attr(
                    "raw",
                    AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("ab")).build());
            default -> attr("cpu", Integer.toString(random.nextInt(3)));
          });
    }
    return point.build();
  }

  /** The same request a little later: the same series, later times and higher totals. */
  private static ExportMetricsServiceRequest laterCopy(ExportMetricsServiceRequest request, int n)
      throws InvalidProtocolBufferException {
    ExportMetricsServiceRequest.Builder later = request.toBuilder();
    for (ResourceMetrics.Builder resource : later.getResourceMetricsBuilderList()) {
      for (ScopeMetrics.Builder scope : resource.getScopeMetricsBuilderList()) {
        for (Metric.Builder metric : scope.getMetricsBuilderList()) {
          List<NumberDataPoint.Builder> points =
              metric.hasGauge()
                  ? metric.getGaugeBuilder().getDataPointsBuilderList()
                  : metric.hasSum() ? metric.getSumBuilder().getDataPointsBuilderList() : List.of();
          for (NumberDataPoint.Builder point : points) {
            if (point.getTimeUnixNano() != 0) {
              point.setTimeUnixNano(point.getTimeUnixNano() + n * 10_000_000_000L);
            }
            if (point.getValueCase() == NumberDataPoint.ValueCase.AS_DOUBLE) {
              point.setAsDouble(point.getAsDouble() + n);
            }
          }
        }
      }
    }
    return later.build();
  }

  // --- building blocks ------------------------------------------------------------------------

  private static KeyValue attr(String key, String value) {
    return attr(key, AnyValue.newBuilder().setStringValue(value).build());
  }

  private static KeyValue attr(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue arrayValue() {
    return AnyValue.newBuilder()
        .setArrayValue(
            ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("a"))
                .addValues(AnyValue.newBuilder().setIntValue(1)))
        .build();
  }

  private static Resource resource(KeyValue... attributes) {
    return Resource.newBuilder().addAllAttributes(List.of(attributes)).build();
  }

  private static NumberDataPoint point(double value, KeyValue... attributes) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(SENT)
        .setAsDouble(value)
        .addAllAttributes(List.of(attributes))
        .build();
  }

  private static Metric gauge(String name, NumberDataPoint... points) {
    return Metric.newBuilder()
        .setName(name)
        .setGauge(Gauge.newBuilder().addAllDataPoints(List.of(points)))
        .build();
  }

  private static Metric cumulativeCounter(String name, double total) {
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(
                    point(total).toBuilder().setStartTimeUnixNano(SENT - 1_000_000_000L)))
        .build();
  }

  private static ScopeMetrics scope(Metric... metrics) {
    return ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics)).build();
  }

  /** A request of one resource (with a service name) and one scope, from the scope's fields. */
  private static byte[] request(byte[]... scopeFields) {
    byte[] resourceMetrics =
        concat(
            field(1, resource(attr("service.name", "cart")).toByteArray()),
            field(2, concat(scopeFields)));
    return field(1, resourceMetrics);
  }

  private static byte[] field(int number, byte[] content) {
    return write(out -> out.writeByteArray(number, content));
  }

  private static byte[] fixed64(int number, long value) {
    return write(out -> out.writeFixed64(number, value));
  }

  private static byte[] varintField(int number, long value) {
    return write(out -> out.writeUInt64(number, value));
  }

  private interface Writing {
    void to(CodedOutputStream out) throws IOException;
  }

  private static byte[] write(Writing writing) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      writing.to(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }
}
