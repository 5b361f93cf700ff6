package io.tidewatch.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
 * <p>What is supported, and what is not yet:
 *
 * <ul>
 *   <li>Gauge and Sum number points ({@code as_double} and {@code as_int}) are mapped.
 *   <li><b>Sum points carry their value as sent.</b> Cumulative sums are not yet turned into
 *       per-period deltas, and delta sums are not yet marked as such; that conversion comes later.
 *       Until then an alarm on a cumulative counter sees the running total.
 *   <li>Histogram, exponential histogram and summary points are <b>not supported yet</b>: they are
 *       counted as rejected, with a message saying so.
 *   <li>NaN and ±Infinity values are rejected, counted, with the reason in the error message.
 *   <li>Points flagged {@code FLAG_NO_RECORDED_VALUE} (staleness markers: "no data here") are
 *       skipped without being counted as rejected; in Tidewatch missing data is an absent point.
 *   <li>Scope (instrumentation library) name and attributes are not part of the identity.
 * </ul>
 *
 * <p>Thread-safe and stateless apart from its filter.
 */
final class OtlpMetricsMapper {

  static final String DEFAULT_NAMESPACE = "otlp";
  static final String SERVICE_NAMESPACE = "service.namespace";
  static final String SERVICE_NAME = "service.name";

  private static final int NO_RECORDED_VALUE =
      DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final AttributeFilter resourceFilter;

  OtlpMetricsMapper(AttributeFilter resourceFilter) {
    this.resourceFilter = Objects.requireNonNull(resourceFilter, "resourceFilter");
  }

  /**
   * @param receiveTime the timestamp of points sent without one
   */
  MappingResult map(ExportMetricsServiceRequest request, Instant receiveTime) {
    Instant fallbackTime = receiveTime.truncatedTo(ChronoUnit.MILLIS);
    List<MetricPoint> accepted = new ArrayList<>();
    Rejections rejections = new Rejections();
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      Resource resource = resourceMetrics.getResource();
      String namespace = namespaceOf(resource);
      TreeMap<String, String> resourceDimensions = resourceDimensions(resource);
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          Series series = new Series(namespace, metric, resourceDimensions);
          switch (metric.getDataCase()) {
            case GAUGE ->
                mapNumbers(
                    series,
                    metric.getGauge().getDataPointsList(),
                    fallbackTime,
                    accepted,
                    rejections);
            case SUM ->
                mapNumbers(
                    series,
                    metric.getSum().getDataPointsList(),
                    fallbackTime,
                    accepted,
                    rejections);
            case HISTOGRAM ->
                rejections.add(metric, "histogram", metric.getHistogram().getDataPointsCount());
            case EXPONENTIAL_HISTOGRAM ->
                rejections.add(
                    metric,
                    "exponential histogram",
                    metric.getExponentialHistogram().getDataPointsCount());
            case SUMMARY ->
                rejections.add(metric, "summary", metric.getSummary().getDataPointsCount());
            default -> {
              // a metric without data carries no points: nothing to accept or reject
            }
          }
        }
      }
    }
    return new MappingResult(accepted, rejections.count(), rejections.message());
  }

  private void mapNumbers(
      Series series,
      List<NumberDataPoint> points,
      Instant fallbackTime,
      List<MetricPoint> accepted,
      Rejections rejections) {
    Metric metric = series.metric;
    if (metric.getName().isEmpty()) {
      rejections.add("a metric without a name", points.size());
      return;
    }
    for (NumberDataPoint point : points) {
      if ((point.getFlags() & NO_RECORDED_VALUE) != 0) {
        continue;
      }
      double value;
      switch (point.getValueCase()) {
        case AS_DOUBLE -> value = point.getAsDouble();
        case AS_INT -> value = point.getAsInt();
        default -> {
          rejections.add("metric '" + metric.getName() + "': data point without a value", 1);
          continue;
        }
      }
      if (!Double.isFinite(value)) {
        rejections.add(
            "metric '" + metric.getName() + "': value " + value + " is not a finite number", 1);
        continue;
      }
      accepted.add(
          new MetricPoint(
              series.of(point), timestampOf(point, fallbackTime), value, metric.getUnit()));
    }
  }

  private static Instant timestampOf(NumberDataPoint point, Instant fallbackTime) {
    long nanos = point.getTimeUnixNano();
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

  /** The series of one metric; points without attributes share one {@link SeriesId}. */
  private static final class Series {
    private final String namespace;
    private final Metric metric;
    private final TreeMap<String, String> resourceDimensions;
    private SeriesId withoutPointAttributes;

    Series(String namespace, Metric metric, TreeMap<String, String> resourceDimensions) {
      this.namespace = namespace;
      this.metric = metric;
      this.resourceDimensions = resourceDimensions;
    }

    SeriesId of(NumberDataPoint point) {
      if (point.getAttributesCount() == 0) {
        if (withoutPointAttributes == null) {
          withoutPointAttributes = new SeriesId(namespace, metric.getName(), resourceDimensions);
        }
        return withoutPointAttributes;
      }
      TreeMap<String, String> dimensions = new TreeMap<>(resourceDimensions);
      for (KeyValue attribute : point.getAttributesList()) {
        dimensions.put(attribute.getKey(), AnyValues.toText(attribute.getValue()));
      }
      return new SeriesId(namespace, metric.getName(), dimensions);
    }
  }

  /** Counts refused points and keeps a bounded, grouped list of reasons. */
  private static final class Rejections {
    private static final int MAX_REASONS = 5;

    private final Map<String, Integer> reasons = new LinkedHashMap<>();
    private int count;
    private int unlistedPoints;

    void add(Metric metric, String type, int points) {
      add(
          "metric '"
              + metric.getName()
              + "': "
              + type
              + " data points are not supported yet (only gauge and sum are)",
          points);
    }

    void add(String reason, int points) {
      if (points == 0) {
        return;
      }
      count += points;
      if (reasons.containsKey(reason) || reasons.size() < MAX_REASONS) {
        reasons.merge(reason, points, Integer::sum);
      } else {
        unlistedPoints += points;
      }
    }

    int count() {
      return count;
    }

    String message() {
      if (count == 0) {
        return "";
      }
      StringBuilder message =
          new StringBuilder("rejected ")
              .append(count)
              .append(count == 1 ? " data point: " : " data points: ");
      boolean first = true;
      for (Map.Entry<String, Integer> reason : reasons.entrySet()) {
        if (!first) {
          message.append("; ");
        }
        message.append(reason.getKey());
        if (reason.getValue() > 1) {
          message.append(" (").append(reason.getValue()).append(" points)");
        }
        first = false;
      }
      if (unlistedPoints > 0) {
        message.append("; and ").append(unlistedPoints).append(" more for other reasons");
      }
      return message.toString();
    }
  }
}
