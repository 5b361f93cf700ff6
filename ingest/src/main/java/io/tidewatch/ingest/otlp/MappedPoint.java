package io.tidewatch.ingest.otlp;

import io.tidewatch.model.metric.MetricPoint;

/**
 * An accepted OTLP data point and its series as the catalog knows it ({@code series.id()} is {@code
 * point.series()}), so that writing it needs no second look-up.
 */
record MappedPoint(MetricPoint point, EncodedSeries series) {}
