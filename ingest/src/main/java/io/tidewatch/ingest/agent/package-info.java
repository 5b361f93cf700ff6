/**
 * {@code tidewatch agent}: host metrics (OSHI, named after the OpenTelemetry host-metrics
 * conventions) and log files tailed by {@link io.tidewatch.ingest.tail.FileTailer} (resumed after
 * the last line shipped, see {@link io.tidewatch.ingest.agent.Agent}), shipped to Kafka or to an
 * OTLP/HTTP endpoint through a {@link io.tidewatch.ingest.agent.Shipper} that spools to a bounded
 * on-disk {@link io.tidewatch.ingest.agent.Spool} while the destination is unreachable and drains
 * it in order afterwards.
 */
package io.tidewatch.ingest.agent;
