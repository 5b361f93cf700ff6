package io.tidewatch.model.metric;

import java.util.List;

/**
 * The value of one record on {@code tw.metrics}: one point, or a batch of points written together
 * so that a receiver pays one Kafka record for many points. Every point of a batch belongs on the
 * record's partition, as its series key alone would be partitioned, so a reader that keeps state
 * per series (the alarm router) sees each series on one partition whichever way it was written.
 *
 * @param points in the order they were received; at least one
 */
public record MetricBatch(List<MetricPoint> points) {

  public MetricBatch {
    points = List.copyOf(points);
    if (points.isEmpty()) {
      throw new IllegalArgumentException("a metric batch holds at least one point");
    }
  }

  /** A record of one point, keyed by its series as before batches existed. */
  public static MetricBatch of(MetricPoint point) {
    return new MetricBatch(List.of(point));
  }

  public int size() {
    return points.size();
  }
}
