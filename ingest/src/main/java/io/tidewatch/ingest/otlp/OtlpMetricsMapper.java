package io.tidewatch.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricPoint;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps an OTLP metrics export request to {@link MetricPoint}s, following the identity rules of
 * RULES.md section 2:
 *
 * <ul>
 *   <li>namespace: resource attribute {@code service.namespace}, else {@code service.name}, else
 *       {@value #DEFAULT_NAMESPACE};
 *   <li>name: the OTel metric name as sent (dots kept);
 *   <li>dimensions: the resource attributes that pass the {@link AttributeFilter}, plus every point
 *       attribute (a point attribute wins over a resource attribute with the same key); values are
 *       rendered by {@link AnyValues};
 *   <li>timestamp: the point's {@code time_unix_nano}, truncated to milliseconds; a point without a
 *       time (0) gets the receive time;
 *   <li>unit: the metric's unit as sent.
 * </ul>
 *
 * <p>Values, by metric type:
 *
 * <ul>
 *   <li>Gauge: the value as sent.
 *   <li>Sum, delta temporality: the value as sent (the period's total). Cumulative and monotonic (a
 *       counter): the difference to the stream's previous point, see {@link CumulativeStreams} (the
 *       first point of a stream is a baseline and writes nothing). Cumulative and not monotonic (an
 *       up-down counter: a level, not a count): the value as sent, like a gauge. Temporality
 *       unspecified: the value as sent.
 *   <li>Histogram and exponential histogram: a distribution point ({@link
 *       MetricPoint#ofDistribution}) with count, sum, min, max and a percentile sketch built by
 *       {@link DistributionBuilder}; cumulative points become deltas of their buckets as sums do. A
 *       period without samples writes nothing.
 *   <li>Summary: a distribution point with the delta of count and sum (summaries are cumulative)
 *       and a sketch from the quantiles as sent.
 *   <li>NaN and ±Infinity values, and inconsistent histograms, are rejected, counted, with the
 *       reason in the error message.
 *   <li>Points flagged {@code FLAG_NO_RECORDED_VALUE} (staleness markers: "no data here") are
 *       skipped without being counted as rejected; in Tidewatch missing data is an absent point.
 *   <li>Scope (instrumentation library) name and attributes are not part of the series; they, and
 *       the resource attributes the filter drops, are part of a cumulative stream's identity.
 * </ul>
 *
 * <p>Thread-safe; its state is the previous point of each cumulative stream and the series seen
 * recently ({@link SeriesCatalog}).
 */
final class OtlpMetricsMapper {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpMetricsMapper.class);

  static final String DEFAULT_NAMESPACE = "otlp";
  static final String SERVICE_NAMESPACE = "service.namespace";
  static final String SERVICE_NAME = "service.name";

  private static final int NO_RECORDED_VALUE =
      DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final AttributeFilter resourceFilter;
  private final CumulativeStreams cumulative;
  private final SeriesCatalog catalog = new SeriesCatalog();

  OtlpMetricsMapper(AttributeFilter resourceFilter) {
    this(resourceFilter, new CumulativeStreams(CumulativeStreams.DEFAULT_MAX_STREAMS));
  }

  OtlpMetricsMapper(AttributeFilter resourceFilter, CumulativeStreams cumulative) {
    this.resourceFilter = Objects.requireNonNull(resourceFilter, "resourceFilter");
    this.cumulative = Objects.requireNonNull(cumulative, "cumulative");
  }

  /**
   * @param receiveTime the timestamp of points sent without one
   */
  MappingResult<MappedPoint> map(ExportMetricsServiceRequest request, Instant receiveTime) {
    Export export = new Export(receiveTime);
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      ResourceContext resource = new ResourceContext(resourceMetrics.getResource());
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          mapMetric(export, resource, scopeMetrics.getScope().getName(), metric);
        }
      }
    }
    return export.result();
  }

  /**
   * Maps a protobuf export request from its bytes, as {@link #map(ExportMetricsServiceRequest,
   * Instant)} maps it parsed, with gauges' and sums' points read without message objects ({@link
   * OtlpMetricsWire}).
   *
   * @throws InvalidProtocolBufferException when the body is not an export request; the message is
   *     the generated parser's
   */
  MappingResult<MappedPoint> map(byte[] protobuf, Instant receiveTime)
      throws InvalidProtocolBufferException {
    Export export = new Export(receiveTime);
    try {
      for (OtlpMetricsWire.ResourceExport resourceExport : OtlpMetricsWire.resources(protobuf)) {
        ResourceContext resource = new ResourceContext(resourceExport.resource());
        for (OtlpMetricsWire.ScopeExport scope : resourceExport.scopes()) {
          String scopeName = scope.scope().getName();
          for (OtlpMetricsWire.MetricBytes metric : scope.metrics()) {
            OtlpMetricsWire.NumberMetric numbers = metric.number();
            if (numbers == null) {
              mapMetric(export, resource, scopeName, metric.parse());
            } else {
              mapNumberMetric(export, resource, scopeName, numbers);
            }
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      // The generated parser decides, and names the problem. Should it read what the byte reader
      // refused, that is a bug of the reader; mapping the points again is harmless (a cumulative
      // point seen again yields the same delta).
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(protobuf);
      LOG.warn(
          "OTLP metrics: an export the protobuf parser reads was refused by the byte reader ({});"
              + " mapped from the parsed request instead",
          e.getMessage());
      return map(request, receiveTime);
    }
    return export.result();
  }

  /** What one export request is becoming. */
  private static final class Export {
    private final Instant fallbackTime;
    private final List<MappedPoint> accepted = new ArrayList<>();
    private final Rejections rejections = new Rejections("data point", "data points", "points");

    Export(Instant receiveTime) {
      this.fallbackTime = receiveTime.truncatedTo(ChronoUnit.MILLIS);
    }

    MappingResult<MappedPoint> result() {
      return new MappingResult<>(accepted, rejections.byReason(), rejections.message());
    }
  }

  /** A resource of the request: its part of each series, and its identity once needed. */
  private final class ResourceContext {
    private final Resource resource;
    private final SeriesCatalog.ResourceSeries series;
    private final OtlpRejectReason refusal;
    private final String problem;
    private String identity;

    ResourceContext(Resource resource) {
      this.resource = resource;
      String namespace = namespaceOf(resource);
      TreeMap<String, String> dimensions = resourceDimensions(resource);
      if (namespace.length() > FieldLimits.MAX_NAME_CHARS) {
        this.refusal = OtlpRejectReason.NAME_TOO_LONG;
        this.problem =
            FieldLimits.tooLong(
                "namespace " + FieldLimits.quoted(namespace),
                namespace,
                FieldLimits.MAX_NAME_CHARS);
      } else {
        this.problem = dimensionProblem(dimensions);
        this.refusal = problem == null ? null : OtlpRejectReason.ATTRIBUTE_TOO_LONG;
      }
      this.series = problem == null ? catalog.resource(namespace, dimensions) : null;
    }

    /** Where a cumulative stream of this resource and scope comes from. */
    String streamPrefix(String scopeName) {
      if (identity == null) {
        identity = identityOf(resource);
      }
      return identity + "\u0000" + scopeName;
    }
  }

  private void mapMetric(Export export, ResourceContext resource, String scopeName, Metric metric) {
    if (refusedWhole(export, resource, metric.getName(), metric.getUnit(), pointCount(metric))) {
      return;
    }
    Series series =
        new Series(
            catalog,
            resource.series,
            metric.getName(),
            metric.getUnit(),
            needsStreamIdentity(metric) ? resource.streamPrefix(scopeName) : "");
    Batch batch = new Batch(series, export.fallbackTime, export.accepted, export.rejections);
    switch (metric.getDataCase()) {
      case GAUGE -> mapNumbers(batch, metric.getGauge().getDataPointsList(), false);
      case SUM ->
          mapNumbers(
              batch,
              metric.getSum().getDataPointsList(),
              metric.getSum().getIsMonotonic()
                  && metric.getSum().getAggregationTemporality()
                      == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      case HISTOGRAM -> mapHistograms(batch, metric.getHistogram());
      case EXPONENTIAL_HISTOGRAM ->
          mapExponentialHistograms(batch, metric.getExponentialHistogram());
      case SUMMARY -> mapSummaries(batch, metric.getSummary().getDataPointsList());
      default -> {
        // a metric without data carries no points: nothing to accept or reject
      }
    }
    series.finish();
  }

  private void mapNumberMetric(
      Export export,
      ResourceContext resource,
      String scopeName,
      OtlpMetricsWire.NumberMetric metric) {
    if (refusedWhole(export, resource, metric.name(), metric.unit(), metric.points().size())) {
      return;
    }
    Series series =
        new Series(
            catalog,
            resource.series,
            metric.name(),
            metric.unit(),
            metric.cumulativeStream() ? resource.streamPrefix(scopeName) : "");
    Batch batch = new Batch(series, export.fallbackTime, export.accepted, export.rejections);
    boolean cumulativeCounter = metric.cumulativeCounter();
    for (OtlpMetricsWire.NumberPoint point : metric.points()) {
      mapNumber(batch, point, cumulativeCounter);
    }
    series.finish();
  }

  /**
   * Refuses every point of a metric whose name, unit or resource cannot be stored: no name, or a
   * name, unit, namespace or resource attribute over its {@link FieldLimits limit}.
   *
   * @return whether the metric's points were refused
   */
  private static boolean refusedWhole(
      Export export, ResourceContext resource, String name, String unit, int points) {
    Rejections rejections = export.rejections;
    if (name.isEmpty()) {
      rejections.add(OtlpRejectReason.NO_NAME, "a metric without a name", points);
    } else if (name.length() > FieldLimits.MAX_NAME_CHARS) {
      rejections.add(
          OtlpRejectReason.NAME_TOO_LONG,
          FieldLimits.tooLong(
              "metric name " + FieldLimits.quoted(name), name, FieldLimits.MAX_NAME_CHARS),
          points);
    } else if (unit.length() > FieldLimits.MAX_NAME_CHARS) {
      rejections.add(
          OtlpRejectReason.NAME_TOO_LONG,
          "metric '" + name + "': " + FieldLimits.tooLong("unit", unit, FieldLimits.MAX_NAME_CHARS),
          points);
    } else if (resource.problem != null) {
      rejections.add(
          resource.refusal, "metric '" + name + "': resource " + resource.problem, points);
    } else {
      return false;
    }
    return true;
  }

  private static String dimensionProblem(Map<String, String> dimensions) {
    for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
      String problem =
          FieldLimits.attributeProblem(
              dimension.getKey(), dimension.getValue(), FieldLimits.MAX_DIMENSION_VALUE_CHARS);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** The points of one metric, and where their results go. */
  private record Batch(
      Series series, Instant fallbackTime, List<MappedPoint> accepted, Rejections rejections) {
    String metricName() {
      return series.name;
    }

    void reject(OtlpRejectReason reason, String detail) {
      rejections.add(reason, "metric '" + metricName() + "': " + detail, 1);
    }

    void accept(MetricPoint point, EncodedSeries encoded) {
      accepted.add(new MappedPoint(point, encoded));
    }
  }

  private void mapNumbers(Batch batch, List<NumberDataPoint> points, boolean cumulativeCounter) {
    for (NumberDataPoint point : points) {
      mapNumber(batch, OtlpMetricsWire.NumberPoint.of(point), cumulativeCounter);
    }
  }

  private void mapNumber(
      Batch batch, OtlpMetricsWire.NumberPoint point, boolean cumulativeCounter) {
    if ((point.flags() & NO_RECORDED_VALUE) != 0) {
      return;
    }
    double value;
    switch (point.valueCase()) {
      case AS_DOUBLE -> value = point.asDouble();
      case AS_INT -> value = point.asInt();
      default -> {
        batch.reject(OtlpRejectReason.NO_VALUE, "data point without a value");
        return;
      }
    }
    if (!Double.isFinite(value)) {
      batch.reject(OtlpRejectReason.nonFinite(value), "value " + value + " is not a finite number");
      return;
    }
    if (refusedAttributes(batch, point.attributeTexts())) {
      return;
    }
    EncodedSeries series = batch.series.of(point.attributeTexts());
    if (cumulativeCounter) {
      Optional<Double> delta =
          cumulative.delta(
              batch.series.streamOf(series),
              point.startNanos(),
              point.timeNanos(),
              value,
              (current, earlier) -> current >= earlier ? current - earlier : null);
      if (delta.isEmpty()) {
        return;
      }
      value = delta.get();
    }
    batch.accept(
        new MetricPoint(
            series.id(),
            timestampOf(point.timeNanos(), batch.fallbackTime),
            value,
            batch.series.unit),
        series);
  }

  private void mapHistograms(Batch batch, Histogram histogram) {
    boolean cumulativeStream =
        histogram.getAggregationTemporality()
            == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    for (HistogramDataPoint point : histogram.getDataPointsList()) {
      if ((point.getFlags() & NO_RECORDED_VALUE) != 0) {
        continue;
      }
      if (!finiteStatistics(
          batch,
          point.hasSum(),
          point.getSum(),
          point.hasMin(),
          point.getMin(),
          point.hasMax(),
          point.getMax())) {
        continue;
      }
      addHistogramPoint(
          batch,
          cumulativeStream,
          point.getAttributesList(),
          point.getStartTimeUnixNano(),
          point.getTimeUnixNano(),
          "histogram",
          () -> ExplicitBucketCounts.of(point),
          ExplicitBucketCounts::minus);
    }
  }

  private void mapExponentialHistograms(Batch batch, ExponentialHistogram histogram) {
    boolean cumulativeStream =
        histogram.getAggregationTemporality()
            == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    for (ExponentialHistogramDataPoint point : histogram.getDataPointsList()) {
      if ((point.getFlags() & NO_RECORDED_VALUE) != 0) {
        continue;
      }
      if (!finiteStatistics(
          batch,
          point.hasSum(),
          point.getSum(),
          point.hasMin(),
          point.getMin(),
          point.hasMax(),
          point.getMax())) {
        continue;
      }
      addHistogramPoint(
          batch,
          cumulativeStream,
          point.getAttributesList(),
          point.getStartTimeUnixNano(),
          point.getTimeUnixNano(),
          "exponential histogram",
          () -> ExponentialBucketCounts.of(point),
          ExponentialBucketCounts::minus);
    }
  }

  /**
   * The part histograms and exponential histograms share: their bucket counts (rejected when
   * inconsistent), as deltas for a cumulative stream, added as one distribution point.
   */
  private <C extends BucketCounts> void addHistogramPoint(
      Batch batch,
      boolean cumulativeStream,
      List<KeyValue> attributes,
      long startNanos,
      long timeNanos,
      String kind,
      Supplier<C> bucketCounts,
      BinaryOperator<C> minus) {
    C counts;
    try {
      counts = bucketCounts.get();
    } catch (IllegalArgumentException e) {
      batch.reject(
          OtlpRejectReason.INCONSISTENT, kind + " point is inconsistent: " + e.getMessage());
      return;
    }
    String[] texts = SeriesCatalog.texts(attributes);
    if (refusedAttributes(batch, texts)) {
      return;
    }
    EncodedSeries series = batch.series.of(texts);
    BucketCounts samples = counts;
    if (cumulativeStream) {
      Optional<C> delta =
          cumulative.delta(batch.series.streamOf(series), startNanos, timeNanos, counts, minus);
      if (delta.isEmpty()) {
        return;
      }
      samples = delta.get();
    }
    addDistribution(batch, series, timeNanos, samples);
  }

  /** Refuses a point with an attribute over its {@link FieldLimits limit}; true then. */
  private static boolean refusedAttributes(Batch batch, String[] texts) {
    String problem = FieldLimits.attributeProblem(texts, FieldLimits.MAX_DIMENSION_VALUE_CHARS);
    if (problem != null) {
      batch.reject(OtlpRejectReason.ATTRIBUTE_TOO_LONG, problem);
    }
    return problem != null;
  }

  private static boolean finiteStatistics(
      Batch batch,
      boolean hasSum,
      double sum,
      boolean hasMin,
      double min,
      boolean hasMax,
      double max) {
    for (double value : new double[] {hasSum ? sum : 0, hasMin ? min : 0, hasMax ? max : 0}) {
      if (!Double.isFinite(value)) {
        batch.reject(
            OtlpRejectReason.nonFinite(value),
            "sum, min or max " + value + " is not a finite number");
        return false;
      }
    }
    return true;
  }

  private static void addDistribution(
      Batch batch, EncodedSeries series, long timeNanos, BucketCounts samples) {
    if (samples.count() == 0) {
      return; // no samples in this period: an absent point
    }
    Distribution distribution;
    try {
      distribution = DistributionBuilder.of(samples);
    } catch (IllegalArgumentException e) {
      batch.reject(OtlpRejectReason.INCONSISTENT, e.getMessage());
      return;
    }
    batch.accept(
        MetricPoint.ofDistribution(
            series.id(),
            timestampOf(timeNanos, batch.fallbackTime),
            distribution,
            batch.series.unit),
        series);
  }

  /** A summary's cumulative count and sum, with its quantiles as sent. */
  private record SummaryTotals(long count, double sum, double[][] quantiles) {
    SummaryTotals minus(SummaryTotals earlier) {
      return count < earlier.count
          ? null
          : new SummaryTotals(count - earlier.count, sum - earlier.sum, quantiles);
    }
  }

  private void mapSummaries(Batch batch, List<SummaryDataPoint> points) {
    for (SummaryDataPoint point : points) {
      if ((point.getFlags() & NO_RECORDED_VALUE) != 0) {
        continue;
      }
      if (!Double.isFinite(point.getSum()) || point.getCount() < 0) {
        batch.reject(
            Double.isFinite(point.getSum())
                ? OtlpRejectReason.INCONSISTENT
                : OtlpRejectReason.nonFinite(point.getSum()),
            "summary sum " + point.getSum() + " or count is out of range");
        continue;
      }
      double[][] quantiles = quantilesOf(point);
      if (quantiles == null) {
        batch.reject(
            OtlpRejectReason.INCONSISTENT,
            "summary quantiles must be finite, within 0..1 and not decrease with the quantile");
        continue;
      }
      String[] texts = SeriesCatalog.texts(point.getAttributesList());
      if (refusedAttributes(batch, texts)) {
        continue;
      }
      EncodedSeries series = batch.series.of(texts);
      Optional<SummaryTotals> delta =
          cumulative.delta(
              batch.series.streamOf(series),
              point.getStartTimeUnixNano(),
              point.getTimeUnixNano(),
              new SummaryTotals(point.getCount(), point.getSum(), quantiles),
              SummaryTotals::minus);
      if (delta.isEmpty() || delta.get().count() == 0) {
        continue;
      }
      batch.accept(
          MetricPoint.ofDistribution(
              series.id(),
              timestampOf(point.getTimeUnixNano(), batch.fallbackTime),
              DistributionBuilder.ofSummary(delta.get().count(), delta.get().sum(), quantiles),
              batch.series.unit),
          series);
    }
  }

  /** The quantiles sorted by quantile, or null when they are not a distribution's. */
  private static double[][] quantilesOf(SummaryDataPoint point) {
    double[][] quantiles = new double[point.getQuantileValuesCount()][];
    for (int i = 0; i < quantiles.length; i++) {
      SummaryDataPoint.ValueAtQuantile at = point.getQuantileValues(i);
      if (!(at.getQuantile() >= 0 && at.getQuantile() <= 1) || !Double.isFinite(at.getValue())) {
        return null;
      }
      quantiles[i] = new double[] {at.getQuantile(), at.getValue()};
    }
    Arrays.sort(quantiles, Comparator.comparingDouble(q -> q[0]));
    for (int i = 1; i < quantiles.length; i++) {
      if (quantiles[i][1] < quantiles[i - 1][1]) {
        return null;
      }
    }
    return quantiles;
  }

  private static boolean needsStreamIdentity(Metric metric) {
    return switch (metric.getDataCase()) {
      case SUM ->
          metric.getSum().getAggregationTemporality()
              == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
      case HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY -> true;
      default -> false;
    };
  }

  private static int pointCount(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      default -> 0;
    };
  }

  /** Every resource attribute, sorted, filtered or not: what tells two exporters apart. */
  private static String identityOf(Resource resource) {
    TreeMap<String, String> all = new TreeMap<>();
    for (KeyValue attribute : resource.getAttributesList()) {
      all.put(attribute.getKey(), AnyValues.toText(attribute.getValue()));
    }
    return all.toString();
  }

  private static Instant timestampOf(long nanos, Instant fallbackTime) {
    if (nanos == 0) {
      return fallbackTime;
    }
    // fixed64 is unsigned: read it as such rather than as a negative epoch
    return Instant.ofEpochMilli(Long.divideUnsigned(nanos, NANOS_PER_MILLI));
  }

  static String namespaceOf(Resource resource) {
    String namespace = attribute(resource, SERVICE_NAMESPACE);
    if (namespace.isEmpty()) {
      namespace = attribute(resource, SERVICE_NAME);
    }
    return namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
  }

  private static String attribute(Resource resource, String key) {
    String found = "";
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals(key)) {
        found = AnyValues.toText(attribute.getValue()); // the last one wins, as in a map
      }
    }
    return found;
  }

  private TreeMap<String, String> resourceDimensions(Resource resource) {
    TreeMap<String, String> dimensions = new TreeMap<>();
    for (KeyValue attribute : resource.getAttributesList()) {
      if (resourceFilter.test(attribute.getKey())) {
        dimensions.put(attribute.getKey(), AnyValues.toText(attribute.getValue()));
      }
    }
    return dimensions;
  }

  /** The series of one metric's points, asked for in the order of the points. */
  private static final class Series {
    private final SeriesCatalog.MetricSeries points;
    private final String name;
    private final String unit;
    private final String streamPrefix;

    Series(
        SeriesCatalog catalog,
        SeriesCatalog.ResourceSeries resource,
        String name,
        String unit,
        String streamPrefix) {
      this.points = catalog.metric(resource, name);
      this.name = name;
      this.unit = unit;
      this.streamPrefix = streamPrefix;
    }

    /** The identity of a cumulative stream of this metric: the series and its origin. */
    String streamOf(EncodedSeries series) {
      return series.key() + "\u0000" + streamPrefix;
    }

    /** The series of the metric's next point, its attributes as {@link SeriesCatalog#texts}. */
    EncodedSeries of(String[] attributeTexts) {
      return points.next(attributeTexts);
    }

    void finish() {
      points.finish();
    }
  }
}
