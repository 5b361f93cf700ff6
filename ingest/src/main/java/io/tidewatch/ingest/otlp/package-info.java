/**
 * OTLP ingest: receives OpenTelemetry metrics and writes them to {@code tw.metrics} as {@link
 * io.tidewatch.model.metric.MetricPoint}s.
 *
 * <p>The public entry point is {@link io.tidewatch.ingest.otlp.OtlpHttpReceiver} (OTLP/HTTP,
 * protobuf and JSON), configured by {@link io.tidewatch.ingest.otlp.OtlpReceiverConfig}; everything
 * else is package-private.
 */
package io.tidewatch.ingest.otlp;
