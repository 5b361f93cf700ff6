package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.attr;
import static io.tidewatch.ingest.otlp.OtlpProto.gauge;
import static io.tidewatch.ingest.otlp.OtlpProto.point;
import static io.tidewatch.ingest.otlp.OtlpProto.request;
import static io.tidewatch.ingest.otlp.OtlpProto.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpMetricsMapperTest {

  private static final Instant SENT = Instant.parse("2026-11-20T08:00:01.234567891Z");
  private static final Instant RECEIVED = Instant.parse("2026-11-22T10:15:30.987654321Z");

  private final OtlpMetricsMapper mapper = new OtlpMetricsMapper(AttributeFilter.defaults());

  private MappingResult map(ExportMetricsServiceRequest request) {
    return mapper.map(request, RECEIVED);
  }

  @Test
  void shouldUseServiceNamespaceWhenResourceHasIt() {
    MappingResult result =
        map(
            request(
                resource(attr("service.name", "cart"), attr("service.namespace", "shop")),
                gauge("cpu", "1", point(SENT, 0.5))));

    assertThat(result.accepted()).extracting(p -> p.series().namespace()).containsExactly("shop");
  }

  @Test
  void shouldUseServiceNameWhenServiceNamespaceIsAbsentOrEmpty() {
    MappingResult absent =
        map(request(resource(attr("service.name", "cart")), gauge("cpu", "1", point(SENT, 1))));
    MappingResult empty =
        map(
            request(
                resource(attr("service.namespace", ""), attr("service.name", "cart")),
                gauge("cpu", "1", point(SENT, 1))));

    assertThat(absent.accepted().get(0).series().namespace()).isEqualTo("cart");
    assertThat(empty.accepted().get(0).series().namespace()).isEqualTo("cart");
  }

  @Test
  void shouldUseOtlpNamespaceWhenResourceNamesNoService() {
    MappingResult result = map(request(resource(), gauge("cpu", "1", point(SENT, 1))));

    assertThat(result.accepted().get(0).series()).isEqualTo(SeriesId.of("otlp", "cpu", Map.of()));
  }

  @Test
  void shouldKeepTheMetricNameWithDotsWhenMapping() {
    MappingResult result =
        map(
            request(
                resource(attr("service.name", "api")),
                gauge("http.server.request.duration", "s", point(SENT, 0.25))));

    assertThat(result.accepted().get(0).series().name()).isEqualTo("http.server.request.duration");
  }

  @Test
  void shouldKeepOnlyAllowedResourceAttributesWhenBuildingDimensions() {
    MappingResult result =
        map(
            request(
                resource(
                    attr("service.name", "api"),
                    attr("host.name", "web-1"),
                    attr("deployment.environment", "prod"),
                    attr("k8s.pod.name", "api-7f9c"),
                    attr("k8s.namespace.name", "shop"),
                    attr("cloud.region", "eu-west-1"),
                    attr("cloud.availability_zone", "eu-west-1a"),
                    attr("cloud.provider", "aws"),
                    attr("process.pid", AnyValue.newBuilder().setIntValue(4242).build()),
                    attr("k8s", "no dot, no match"),
                    attr("telemetry.sdk.name", "opentelemetry")),
                gauge("cpu", "1", point(SENT, 1))));

    assertThat(result.accepted().get(0).series().dimensions())
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(
                Map.of(
                    "service.name", "api",
                    "host.name", "web-1",
                    "deployment.environment", "prod",
                    "k8s.pod.name", "api-7f9c",
                    "k8s.namespace.name", "shop",
                    "cloud.region", "eu-west-1",
                    "cloud.availability_zone", "eu-west-1a")));
  }

  @Test
  void shouldDropDeniedResourceAttributesWhenDenyListMatches() {
    OtlpMetricsMapper denying =
        new OtlpMetricsMapper(
            new AttributeFilter(AttributeFilter.DEFAULT_ALLOW, List.of("k8s.pod.*", "host.name")));

    MappingResult result =
        denying.map(
            request(
                resource(
                    attr("service.name", "api"),
                    attr("host.name", "web-1"),
                    attr("k8s.pod.name", "api-7f9c"),
                    attr("k8s.node.name", "node-3")),
                gauge("cpu", "1", point(SENT, 1))),
            RECEIVED);

    assertThat(result.accepted().get(0).series().dimensions())
        .containsOnlyKeys("service.name", "k8s.node.name");
  }

  @Test
  void shouldAddEveryPointAttributeAndLetItWinWhenKeysClash() {
    MappingResult result =
        map(
            request(
                resource(attr("service.name", "api"), attr("host.name", "web-1")),
                gauge(
                    "cpu",
                    "1",
                    point(SENT, 1, attr("host.name", "container-9"), attr("cpu", "0")),
                    point(SENT, 2, attr("process.owner", "www-data")))));

    assertThat(result.accepted())
        .extracting(p -> p.series().dimensions())
        .containsExactly(
            new java.util.TreeMap<>(
                Map.of("service.name", "api", "host.name", "container-9", "cpu", "0")),
            new java.util.TreeMap<>(
                Map.of("service.name", "api", "host.name", "web-1", "process.owner", "www-data")));
  }

  @Test
  void shouldRenderAttributeValuesAsTextWhenTheyAreNotStrings() {
    AnyValue array =
        AnyValue.newBuilder()
            .setArrayValue(
                ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setStringValue("a\"b"))
                    .addValues(AnyValue.newBuilder().setIntValue(7))
                    .addValues(AnyValue.newBuilder().setBoolValue(true))
                    .addValues(AnyValue.newBuilder().setDoubleValue(1.5))
                    .addValues(AnyValue.newBuilder()))
            .build();
    AnyValue kvlist =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(attr("zone", "a"))
                    .addValues(attr("nested", array)))
            .build();

    MappingResult result =
        map(
            request(
                resource(),
                gauge(
                    "m",
                    "1",
                    point(
                        SENT,
                        1,
                        attr("bool", AnyValue.newBuilder().setBoolValue(true).build()),
                        attr("int", AnyValue.newBuilder().setIntValue(-42).build()),
                        attr("double", AnyValue.newBuilder().setDoubleValue(0.25).build()),
                        attr(
                            "bytes",
                            AnyValue.newBuilder()
                                .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3}))
                                .build()),
                        attr("empty", AnyValue.getDefaultInstance()),
                        attr("array", array),
                        attr("kvlist", kvlist)))));

    assertThat(result.accepted().get(0).series().dimensions())
        .containsEntry("bool", "true")
        .containsEntry("int", "-42")
        .containsEntry("double", "0.25")
        .containsEntry("bytes", "AQID")
        .containsEntry("empty", "")
        .containsEntry("array", "[\"a\\\"b\",7,true,1.5,null]")
        .containsEntry("kvlist", "{\"zone\":\"a\",\"nested\":[\"a\\\"b\",7,true,1.5,null]}");
  }

  @Test
  void shouldTruncateTimestampToMillisAndCarryValueAndUnitWhenPointIsAGauge() {
    MappingResult result =
        map(request(resource(attr("service.name", "api")), gauge("mem", "By", point(SENT, 1024))));

    assertThat(result.accepted())
        .containsExactly(
            new MetricPoint(
                SeriesId.of("api", "mem", Map.of("service.name", "api")),
                Instant.parse("2026-11-20T08:00:01.234Z"),
                1024,
                "By"));
    assertThat(result.rejected()).isZero();
    assertThat(result.errorMessage()).isEmpty();
  }

  @Test
  void shouldUseReceiveTimeWhenPointHasNoTime() {
    NumberDataPoint untimed = NumberDataPoint.newBuilder().setAsDouble(3).build();

    MappingResult result = map(request(resource(), gauge("m", "1", untimed)));

    assertThat(result.accepted().get(0).timestamp())
        .isEqualTo(Instant.parse("2026-11-22T10:15:30.987Z"));
  }

  @Test
  void shouldCarrySumValuesAsSentWhenPointsAreIntegers() {
    Metric sum =
        Metric.newBuilder()
            .setName("requests")
            .setUnit("{request}")
            .setSum(
                Sum.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .setIsMonotonic(true)
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setTimeUnixNano(OtlpProto.nanos(SENT))
                            .setAsInt(42L)))
            .build();

    MappingResult result = map(request(resource(), sum));

    assertThat(result.accepted())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.value()).isEqualTo(42.0);
              assertThat(p.unit()).isEqualTo("{request}");
            });
  }

  @Test
  void shouldRejectNonFiniteValuesWithReasonWhenOtherPointsAreGood() {
    MappingResult result =
        map(
            request(
                resource(),
                gauge(
                    "temp",
                    "Cel",
                    point(SENT, 21.5),
                    point(SENT, Double.NaN),
                    point(SENT, Double.POSITIVE_INFINITY),
                    point(SENT, 22.0))));

    assertThat(result.accepted()).extracting(MetricPoint::value).containsExactly(21.5, 22.0);
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.errorMessage())
        .contains("rejected 2 data points")
        .contains("metric 'temp': value NaN is not a finite number")
        .contains("metric 'temp': value Infinity is not a finite number");
  }

  @Test
  void shouldRejectHistogramSummaryAndExponentialHistogramPointsAsNotSupportedYet() {
    Metric histogram =
        Metric.newBuilder()
            .setName("latency")
            .setHistogram(
                Histogram.newBuilder()
                    .addDataPoints(HistogramDataPoint.newBuilder().setCount(3))
                    .addDataPoints(HistogramDataPoint.newBuilder().setCount(4)))
            .build();
    Metric exponential =
        Metric.newBuilder()
            .setName("size")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(1)))
            .build();
    Metric summary =
        Metric.newBuilder()
            .setName("gc")
            .setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder()))
            .build();

    MappingResult result =
        map(request(resource(), histogram, exponential, summary, gauge("ok", "1", point(SENT, 1))));

    assertThat(result.accepted()).hasSize(1);
    assertThat(result.rejected()).isEqualTo(4);
    assertThat(result.errorMessage())
        .isEqualTo(
            "rejected 4 data points: metric 'latency': histogram data points are not supported"
                + " yet (only gauge and sum are) (2 points); metric 'size': exponential histogram"
                + " data points are not supported yet (only gauge and sum are); metric 'gc':"
                + " summary data points are not supported yet (only gauge and sum are)");
  }

  @Test
  void shouldRejectPointsWhenMetricHasNoNameOrPointHasNoValue() {
    MappingResult result =
        map(
            request(
                resource(),
                gauge("", "1", point(SENT, 1)),
                gauge("m", "1", NumberDataPoint.newBuilder().setTimeUnixNano(1).build())));

    assertThat(result.accepted()).isEmpty();
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.errorMessage())
        .contains("a metric without a name")
        .contains("metric 'm': data point without a value");
  }

  @Test
  void shouldSkipPointWithoutCountingWhenFlaggedNoRecordedValue() {
    NumberDataPoint stale =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(OtlpProto.nanos(SENT))
            .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE)
            .setAsDouble(Double.NaN)
            .build();

    MappingResult result = map(request(resource(), gauge("m", "1", stale, point(SENT, 4))));

    assertThat(result.accepted()).extracting(MetricPoint::value).containsExactly(4.0);
    assertThat(result.rejected()).isZero();
  }

  @Test
  void shouldListAtMostFiveReasonsWhenManyMetricsAreRejected() {
    Metric[] metrics = new Metric[8];
    for (int i = 0; i < metrics.length; i++) {
      metrics[i] = gauge("m" + i, "1", point(SENT, Double.NaN));
    }

    MappingResult result = map(request(resource(), metrics));

    assertThat(result.rejected()).isEqualTo(8);
    assertThat(result.errorMessage())
        .contains("metric 'm4'")
        .doesNotContain("metric 'm5'")
        .endsWith("; and 3 more for other reasons");
  }
}
