/**
 * OTLP ingest: receives OpenTelemetry metrics and logs and writes them to {@code tw.metrics} as
 * {@link io.tidewatch.model.metric.MetricPoint}s and to {@code tw.logs} as {@link
 * io.tidewatch.model.log.LogEvent}s.
 *
 * <p>The public entry points are {@link io.tidewatch.ingest.otlp.OtlpHttpReceiver} (OTLP/HTTP,
 * protobuf and JSON) and {@link io.tidewatch.ingest.otlp.OtlpGrpcReceiver} (OTLP/gRPC), configured
 * by {@link io.tidewatch.ingest.otlp.OtlpReceiverConfig} and writing through an {@link
 * io.tidewatch.ingest.otlp.OtlpSink}; given a Micrometer registry they count what they accept and
 * what they refuse, by {@link io.tidewatch.ingest.otlp.OtlpRejectReason} ({@link
 * io.tidewatch.ingest.meter.IngestMeters}). Everything else is package-private.
 */
package io.tidewatch.ingest.otlp;
