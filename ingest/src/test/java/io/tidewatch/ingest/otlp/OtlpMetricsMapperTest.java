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
import io.tidewatch.model.metric.Distribution;
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

  private MappingResult<MetricPoint> map(ExportMetricsServiceRequest request) {
    return points(mapper.map(request, RECEIVED));
  }

  /** The mapped points, checking that each carries its own series, encoded. */
  private static MappingResult<MetricPoint> points(MappingResult<MappedPoint> mapped) {
    for (MappedPoint point : mapped.accepted()) {
      EncodedSeries expected = EncodedSeries.of(point.point().series());
      assertThat(point.series().id()).isEqualTo(expected.id());
      assertThat(point.series().key()).isEqualTo(expected.key());
      assertThat(point.series().positiveHash()).isEqualTo(expected.positiveHash());
      assertThat(point.series().fields()).isEqualTo(expected.fields());
    }
    return new MappingResult<>(
        mapped.accepted().stream().map(MappedPoint::point).toList(),
        mapped.rejectedByReason(),
        mapped.errorMessage());
  }

  @Test
  void shouldUseServiceNamespaceWhenResourceHasIt() {
    MappingResult<MetricPoint> result =
        map(
            request(
                resource(attr("service.name", "cart"), attr("service.namespace", "shop")),
                gauge("cpu", "1", point(SENT, 0.5))));

    assertThat(result.accepted()).extracting(p -> p.series().namespace()).containsExactly("shop");
  }

  @Test
  void shouldUseServiceNameWhenServiceNamespaceIsAbsentOrEmpty() {
    MappingResult<MetricPoint> absent =
        map(request(resource(attr("service.name", "cart")), gauge("cpu", "1", point(SENT, 1))));
    MappingResult<MetricPoint> empty =
        map(
            request(
                resource(attr("service.namespace", ""), attr("service.name", "cart")),
                gauge("cpu", "1", point(SENT, 1))));

    assertThat(absent.accepted().get(0).series().namespace()).isEqualTo("cart");
    assertThat(empty.accepted().get(0).series().namespace()).isEqualTo("cart");
  }

  @Test
  void shouldUseOtlpNamespaceWhenResourceNamesNoService() {
    MappingResult<MetricPoint> result = map(request(resource(), gauge("cpu", "1", point(SENT, 1))));

    assertThat(result.accepted().get(0).series()).isEqualTo(SeriesId.of("otlp", "cpu", Map.of()));
  }

  @Test
  void shouldKeepTheMetricNameWithDotsWhenMapping() {
    MappingResult<MetricPoint> result =
        map(
            request(
                resource(attr("service.name", "api")),
                gauge("http.server.request.duration", "s", point(SENT, 0.25))));

    assertThat(result.accepted().get(0).series().name()).isEqualTo("http.server.request.duration");
  }

  @Test
  void shouldKeepOnlyAllowedResourceAttributesWhenBuildingDimensions() {
    MappingResult<MetricPoint> result =
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

    MappingResult<MetricPoint> result =
        points(
            denying.map(
                request(
                    resource(
                        attr("service.name", "api"),
                        attr("host.name", "web-1"),
                        attr("k8s.pod.name", "api-7f9c"),
                        attr("k8s.node.name", "node-3")),
                    gauge("cpu", "1", point(SENT, 1))),
                RECEIVED));

    assertThat(result.accepted().get(0).series().dimensions())
        .containsOnlyKeys("service.name", "k8s.node.name");
  }

  @Test
  void shouldAddEveryPointAttributeAndLetItWinWhenKeysClash() {
    MappingResult<MetricPoint> result =
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

    MappingResult<MetricPoint> result =
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
    MappingResult<MetricPoint> result =
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

    MappingResult<MetricPoint> result = map(request(resource(), gauge("m", "1", untimed)));

    assertThat(result.accepted().get(0).timestamp())
        .isEqualTo(Instant.parse("2026-11-22T10:15:30.987Z"));
  }

  private static Metric sum(
      AggregationTemporality temporality, boolean monotonic, NumberDataPoint... points) {
    return Metric.newBuilder()
        .setName("requests")
        .setUnit("{request}")
        .setSum(
            Sum.newBuilder()
                .setAggregationTemporality(temporality)
                .setIsMonotonic(monotonic)
                .addAllDataPoints(List.of(points)))
        .build();
  }

  private static NumberDataPoint counter(long startSecond, long second, long value) {
    return NumberDataPoint.newBuilder()
        .setStartTimeUnixNano(startSecond * 1_000_000_000L)
        .setTimeUnixNano(second * 1_000_000_000L)
        .setAsInt(value)
        .build();
  }

  @Test
  void shouldCarrySumValuesAsSentWhenSumIsDelta() {
    MappingResult<MetricPoint> result =
        map(
            request(
                resource(),
                sum(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                    true,
                    counter(100, 160, 42))));

    assertThat(result.accepted())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.value()).isEqualTo(42.0);
              assertThat(p.unit()).isEqualTo("{request}");
              assertThat(p.timestamp()).isEqualTo(Instant.ofEpochSecond(160));
            });
  }

  @Test
  void shouldTurnCumulativeCounterIntoDeltasAfterABaselineWhenPointsFollowEachOther() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;

    MappingResult<MetricPoint> first =
        map(request(resource(), sum(cumulative, true, counter(100, 160, 40))));
    MappingResult<MetricPoint> second =
        map(request(resource(), sum(cumulative, true, counter(100, 220, 55))));
    MappingResult<MetricPoint> third =
        map(request(resource(), sum(cumulative, true, counter(100, 280, 55))));

    assertThat(first.accepted()).as("the first point is the baseline").isEmpty();
    assertThat(first.rejected()).isZero();
    assertThat(second.accepted()).extracting(MetricPoint::value).containsExactly(15.0);
    assertThat(second.accepted().get(0).timestamp()).isEqualTo(Instant.ofEpochSecond(220));
    assertThat(third.accepted()).extracting(MetricPoint::value).containsExactly(0.0);
  }

  @Test
  void shouldCountFromRestartWhenStartTimeChangesAfterThePreviousPoint() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    map(request(resource(), sum(cumulative, true, counter(100, 160, 500))));

    MappingResult<MetricPoint> afterRestart =
        map(request(resource(), sum(cumulative, true, counter(200, 220, 7))));

    assertThat(afterRestart.accepted()).extracting(MetricPoint::value).containsExactly(7.0);
  }

  @Test
  void shouldStartNewBaselineWhenCounterGoesDownWithoutStartTime() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    map(request(resource(), sum(cumulative, true, counter(0, 160, 500))));

    MappingResult<MetricPoint> wentDown =
        map(request(resource(), sum(cumulative, true, counter(0, 220, 7))));
    MappingResult<MetricPoint> next =
        map(request(resource(), sum(cumulative, true, counter(0, 280, 10))));

    assertThat(wentDown.accepted()).isEmpty();
    assertThat(next.accepted()).extracting(MetricPoint::value).containsExactly(3.0);
  }

  @Test
  void shouldRepeatTheSameDeltaWhenAnExporterRetriesTheSamePoint() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    map(request(resource(), sum(cumulative, true, counter(100, 160, 40))));
    MappingResult<MetricPoint> sent =
        map(request(resource(), sum(cumulative, true, counter(100, 220, 55))));

    MappingResult<MetricPoint> retried =
        map(request(resource(), sum(cumulative, true, counter(100, 220, 55))));
    MappingResult<MetricPoint> older =
        map(request(resource(), sum(cumulative, true, counter(100, 160, 40))));

    assertThat(retried.accepted()).isEqualTo(sent.accepted());
    assertThat(older.accepted()).isEmpty();
  }

  @Test
  void shouldKeepStreamsOfDifferentExportersApartWhenTheirSeriesIsTheSame() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    // service.instance.id is not a dimension by default, but it tells the two processes apart
    map(
        request(
            resource(attr("service.instance.id", "a")),
            sum(cumulative, true, counter(100, 160, 40))));
    map(
        request(
            resource(attr("service.instance.id", "b")),
            sum(cumulative, true, counter(100, 160, 1000))));

    MappingResult<MetricPoint> a =
        map(
            request(
                resource(attr("service.instance.id", "a")),
                sum(cumulative, true, counter(100, 220, 45))));
    MappingResult<MetricPoint> b =
        map(
            request(
                resource(attr("service.instance.id", "b")),
                sum(cumulative, true, counter(100, 220, 1001))));

    assertThat(a.accepted()).extracting(MetricPoint::value).containsExactly(5.0);
    assertThat(b.accepted()).extracting(MetricPoint::value).containsExactly(1.0);
  }

  @Test
  void shouldCarryLevelAsSentWhenCumulativeSumIsNotMonotonic() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;

    MappingResult<MetricPoint> result =
        map(request(resource(), sum(cumulative, false, counter(100, 160, 12))));

    assertThat(result.accepted()).extracting(MetricPoint::value).containsExactly(12.0);
  }

  @Test
  void shouldRejectNonFiniteValuesWithReasonWhenOtherPointsAreGood() {
    MappingResult<MetricPoint> result =
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
    assertThat(result.rejectedByReason())
        .containsOnly(Map.entry(OtlpRejectReason.NAN, 1), Map.entry(OtlpRejectReason.INFINITE, 1));
    assertThat(result.errorMessage())
        .contains("rejected 2 data points")
        .contains("metric 'temp': value NaN is not a finite number")
        .contains("metric 'temp': value Infinity is not a finite number");
  }

  private static HistogramDataPoint.Builder histogramPoint(
      long startSecond, long second, List<Double> bounds, List<Long> counts) {
    return HistogramDataPoint.newBuilder()
        .setStartTimeUnixNano(startSecond * 1_000_000_000L)
        .setTimeUnixNano(second * 1_000_000_000L)
        .setCount(counts.stream().mapToLong(Long::longValue).sum())
        .addAllExplicitBounds(bounds)
        .addAllBucketCounts(counts);
  }

  private static Metric histogram(
      AggregationTemporality temporality, HistogramDataPoint... points) {
    return Metric.newBuilder()
        .setName("latency")
        .setUnit("ms")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(temporality)
                .addAllDataPoints(List.of(points)))
        .build();
  }

  private static double percentile(Distribution distribution, double p) {
    return PercentileSketchProbe.quantile(distribution, p);
  }

  @Test
  void shouldMapDeltaHistogramToStatisticSetAndSketchWhenPointHasMinMaxAndSum() {
    // 100 samples: 90 in (0, 10], 9 in (10, 100], 1 in (100, +inf) at most 400
    HistogramDataPoint point =
        histogramPoint(100, 160, List.of(10.0, 100.0), List.of(90L, 9L, 1L))
            .setSum(1234)
            .setMin(1)
            .setMax(400)
            .build();

    MappingResult<MetricPoint> result =
        map(
            request(
                resource(),
                histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, point)));

    assertThat(result.rejected()).isZero();
    MetricPoint mapped = result.accepted().get(0);
    Distribution distribution = mapped.distribution();
    assertThat(distribution.count()).isEqualTo(100);
    assertThat(distribution.sum()).isEqualTo(1234);
    assertThat(distribution.min()).isEqualTo(1);
    assertThat(distribution.max()).isEqualTo(400);
    assertThat(mapped.value()).isEqualTo(12.34);
    assertThat(mapped.unit()).isEqualTo("ms");
    // rank 49.5 of 100 lies in the first bucket, spread over [1, 10]; p95 in (10, 100]; the
    // largest sample in (100, 400]
    assertThat(percentile(distribution, 0.5)).isBetween(1.0, 10.0);
    assertThat(percentile(distribution, 0.95)).isBetween(10.0, 100.0);
    assertThat(percentile(distribution, 1.0)).isBetween(100.0, 400.0 * 1.01);
  }

  @Test
  void shouldSubtractBucketsOfCumulativeHistogramAfterABaseline() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    List<Double> bounds = List.of(10.0, 100.0);
    map(
        request(
            resource(),
            histogram(
                cumulative,
                histogramPoint(100, 160, bounds, List.of(50L, 0L, 0L)).setSum(250).build())));

    MappingResult<MetricPoint> second =
        map(
            request(
                resource(),
                histogram(
                    cumulative,
                    histogramPoint(100, 220, bounds, List.of(50L, 10L, 0L))
                        .setSum(750)
                        .setMin(1)
                        .setMax(60)
                        .build())));

    Distribution delta = second.accepted().get(0).distribution();
    assertThat(delta.count()).isEqualTo(10);
    assertThat(delta.sum()).isEqualTo(500);
    // the cumulative min/max cover the whole stream: the delta's come from its buckets
    assertThat(delta.min()).isEqualTo(10);
    assertThat(delta.max()).isEqualTo(60);
    assertThat(percentile(delta, 0.5)).isBetween(10.0, 60.0);
  }

  @Test
  void shouldWriteNothingWhenAPeriodHasNoSamples() {
    HistogramDataPoint empty = histogramPoint(100, 160, List.of(10.0), List.of(0L, 0L)).build();

    MappingResult<MetricPoint> result =
        map(
            request(
                resource(),
                histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, empty)));

    assertThat(result.accepted()).isEmpty();
    assertThat(result.rejected()).isZero();
  }

  @Test
  void shouldRejectHistogramWithReasonWhenCountsDisagreeOrSumIsNotFinite() {
    HistogramDataPoint wrongCount =
        histogramPoint(100, 160, List.of(10.0), List.of(1L, 1L)).setCount(5).build();
    HistogramDataPoint infiniteSum =
        histogramPoint(100, 160, List.of(10.0), List.of(1L, 1L))
            .setSum(Double.POSITIVE_INFINITY)
            .build();

    MappingResult<MetricPoint> result =
        map(
            request(
                resource(),
                histogram(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                    wrongCount,
                    infiniteSum)));

    assertThat(result.accepted()).isEmpty();
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.rejectedByReason())
        .containsOnly(
            Map.entry(OtlpRejectReason.INCONSISTENT, 1), Map.entry(OtlpRejectReason.INFINITE, 1));
    assertThat(result.errorMessage())
        .contains("metric 'latency': histogram point is inconsistent: count 5 is not the sum")
        .contains("metric 'latency': sum, min or max Infinity is not a finite number");
  }

  @Test
  void shouldMapExponentialHistogramBucketsToSketchWhenPointIsDelta() {
    // scale 0: base 2; positive bucket i holds (2^i, 2^(i+1)]; offset 3 -> (8,16], (16,32], (32,64]
    ExponentialHistogramDataPoint point =
        ExponentialHistogramDataPoint.newBuilder()
            .setTimeUnixNano(160_000_000_000L)
            .setScale(0)
            .setCount(101)
            .setZeroCount(1)
            .setSum(2000)
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(3)
                    .addAllBucketCounts(List.of(50L, 40L, 10L)))
            .build();
    Metric metric =
        Metric.newBuilder()
            .setName("size")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(point))
            .build();

    MappingResult<MetricPoint> result = map(request(resource(), metric));

    Distribution distribution = result.accepted().get(0).distribution();
    assertThat(distribution.count()).isEqualTo(101);
    assertThat(distribution.sum()).isEqualTo(2000);
    assertThat(distribution.min()).isEqualTo(0);
    assertThat(distribution.max()).isEqualTo(64);
    assertThat(percentile(distribution, 0.25)).isBetween(8.0, 16.0);
    assertThat(percentile(distribution, 0.99)).isBetween(32.0, 64.0);
  }

  @Test
  void shouldSubtractExponentialBucketsAcrossADownscaleWhenStreamIsCumulative() {
    AggregationTemporality cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    // scale 1, offset 6: buckets (8, 11.3], (11.3, 16]; then scale 0, offset 3: (8,16], (16,32]
    ExponentialHistogramDataPoint first =
        ExponentialHistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(100_000_000_000L)
            .setTimeUnixNano(160_000_000_000L)
            .setScale(1)
            .setCount(5)
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(6)
                    .addAllBucketCounts(List.of(2L, 3L)))
            .build();
    ExponentialHistogramDataPoint second =
        first.toBuilder()
            .setTimeUnixNano(220_000_000_000L)
            .setScale(0)
            .setCount(12)
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(3)
                    .addAllBucketCounts(List.of(5L, 7L)))
            .build();
    Metric.Builder metric = Metric.newBuilder().setName("size");

    map(
        request(
            resource(),
            metric
                .setExponentialHistogram(
                    ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(cumulative)
                        .addDataPoints(first))
                .build()));
    MappingResult<MetricPoint> result =
        map(
            request(
                resource(),
                metric
                    .setExponentialHistogram(
                        ExponentialHistogram.newBuilder()
                            .setAggregationTemporality(cumulative)
                            .addDataPoints(second))
                    .build()));

    Distribution delta = result.accepted().get(0).distribution();
    assertThat(delta.count()).isEqualTo(7);
    assertThat(delta.min()).isEqualTo(16);
    assertThat(delta.max()).isEqualTo(32);
  }

  @Test
  void shouldMapSummaryToCountSumAndQuantilesAfterABaseline() {
    SummaryDataPoint.Builder point =
        SummaryDataPoint.newBuilder()
            .setStartTimeUnixNano(100_000_000_000L)
            .setTimeUnixNano(160_000_000_000L)
            .setCount(1000)
            .setSum(5000)
            .addQuantileValues(quantile(0, 1))
            .addQuantileValues(quantile(0.5, 4))
            .addQuantileValues(quantile(0.99, 30))
            .addQuantileValues(quantile(1, 50));
    Metric.Builder metric = Metric.newBuilder().setName("gc.pause").setUnit("ms");

    MappingResult<MetricPoint> baseline =
        map(
            request(
                resource(), metric.setSummary(Summary.newBuilder().addDataPoints(point)).build()));
    point.setTimeUnixNano(220_000_000_000L).setCount(1200).setSum(6000);
    MappingResult<MetricPoint> result =
        map(
            request(
                resource(), metric.setSummary(Summary.newBuilder().addDataPoints(point)).build()));

    assertThat(baseline.accepted()).isEmpty();
    Distribution delta = result.accepted().get(0).distribution();
    assertThat(delta.count()).isEqualTo(200);
    assertThat(delta.sum()).isEqualTo(1000);
    assertThat(delta.min()).isEqualTo(1);
    assertThat(delta.max()).isEqualTo(50);
    assertThat(percentile(delta, 0.5))
        .isCloseTo(4.0, org.assertj.core.data.Percentage.withPercentage(2));
    assertThat(percentile(delta, 0.99))
        .isCloseTo(30.0, org.assertj.core.data.Percentage.withPercentage(2));
  }

  private static SummaryDataPoint.ValueAtQuantile quantile(double q, double value) {
    return SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(q).setValue(value).build();
  }

  @Test
  void shouldRejectPointsWhenMetricHasNoNameOrPointHasNoValue() {
    MappingResult<MetricPoint> result =
        map(
            request(
                resource(),
                gauge("", "1", point(SENT, 1)),
                gauge("m", "1", NumberDataPoint.newBuilder().setTimeUnixNano(1).build())));

    assertThat(result.accepted()).isEmpty();
    assertThat(result.rejected()).isEqualTo(2);
    assertThat(result.rejectedByReason())
        .containsOnly(
            Map.entry(OtlpRejectReason.NO_NAME, 1), Map.entry(OtlpRejectReason.NO_VALUE, 1));
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

    MappingResult<MetricPoint> result =
        map(request(resource(), gauge("m", "1", stale, point(SENT, 4))));

    assertThat(result.accepted()).extracting(MetricPoint::value).containsExactly(4.0);
    assertThat(result.rejected()).isZero();
  }

  @Test
  void shouldListAtMostFiveReasonsWhenManyMetricsAreRejected() {
    Metric[] metrics = new Metric[8];
    for (int i = 0; i < metrics.length; i++) {
      metrics[i] = gauge("m" + i, "1", point(SENT, Double.NaN));
    }

    MappingResult<MetricPoint> result = map(request(resource(), metrics));

    assertThat(result.rejected()).isEqualTo(8);
    assertThat(result.rejectedByReason()).containsExactly(Map.entry(OtlpRejectReason.NAN, 8));
    assertThat(result.errorMessage())
        .contains("metric 'm4'")
        .doesNotContain("metric 'm5'")
        .endsWith("; and 3 more for other reasons");
  }
}
