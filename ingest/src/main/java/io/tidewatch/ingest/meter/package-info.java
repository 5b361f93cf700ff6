/**
 * Self-observability of the ingest paths: what each path accepted and what it discarded, by reason,
 * as Micrometer counters, and the {@code /metrics} endpoint that serves them as Prometheus text.
 *
 * <p>Public API: {@link io.tidewatch.ingest.meter.IngestMeters} (one per ingest path, named by an
 * {@link io.tidewatch.ingest.meter.IngestSource}) records {@code tidewatch_ingested_total{source}}
 * and {@code tidewatch_discarded_total{source,reason}}; {@link
 * io.tidewatch.ingest.meter.MetricsEndpoint} serves a process's registry at {@code GET /metrics}.
 */
package io.tidewatch.ingest.meter;
