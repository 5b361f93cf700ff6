/**
 * The Kafka Connect source connector that tails log files into {@code tw.logs}: {@link
 * io.tidewatch.ingest.connect.FileLogSourceConnector} (configuration in {@link
 * io.tidewatch.ingest.connect.FileLogSourceConfig}). Runs in {@code tidewatch ingest} or, from the
 * plugin jar, in any Connect cluster.
 */
package io.tidewatch.ingest.connect;
