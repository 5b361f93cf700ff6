/**
 * Loading existing log files into {@code tw.logs}: {@link io.tidewatch.ingest.imports.LogImporter}
 * reads files line by line (gzip too), parses each line with the {@link
 * io.tidewatch.ingest.parse.LogParser} of its format, and produces parsed lines to {@code tw.logs}
 * and rejected lines, with their reason in headers, to {@code tw.dlq.ingest}. {@link
 * io.tidewatch.ingest.imports.LogRecords} is how a line becomes a Kafka record, shared with the
 * agent.
 */
package io.tidewatch.ingest.imports;
