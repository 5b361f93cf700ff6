package io.tidewatch.ingest.imports;

import io.tidewatch.ingest.parse.ParseStats;
import java.time.Duration;

/**
 * What an import did.
 *
 * @param files files read
 * @param bytes bytes read (compressed size for gzip files)
 * @param lines lines read
 * @param stats parsed and rejected lines, by reason
 * @param delivered records acknowledged by Kafka (events and dead letters)
 * @param undelivered records Kafka did not acknowledge
 * @param firstDeliveryError why the first undelivered record failed, or {@code null}
 */
public record ImportSummary(
    int files,
    long bytes,
    long lines,
    ParseStats stats,
    long delivered,
    long undelivered,
    String firstDeliveryError,
    Duration elapsed) {

  /** Lines per second over the whole import, delivery included. */
  public double linesPerSecond() {
    double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
    return lines / seconds;
  }

  /** Every line parsed and every record delivered. */
  public boolean clean() {
    return stats.rejected() == 0 && undelivered == 0;
  }
}
