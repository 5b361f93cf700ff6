package io.tidewatch.ingest.imports;

import io.tidewatch.ingest.parse.ParseStats;
import java.time.Duration;

/**
 * What an import did.
 *
 * @param files files read
 * @param bytes bytes read (compressed size for gzip files)
 * @param lines lines read, empty ones included
 * @param emptyLines empty or blank lines, skipped: counted here (and as discarded {@code EMPTY}),
 *     never produced, not even as dead letters
 * @param stats parsed and rejected lines, by reason (empty lines are not in it)
 * @param delivered records acknowledged by Kafka (events and dead letters)
 * @param undelivered records Kafka did not acknowledge
 * @param firstDeliveryError why the first undelivered record failed, or {@code null}
 */
public record ImportSummary(
    int files,
    long bytes,
    long lines,
    long emptyLines,
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

  /** {@code parsed 10, rejected 3 (BINARY 1, TOO_LONG 2)}, then {@code , skipped 4 empty}. */
  public String counts() {
    return stats.summary() + (emptyLines > 0 ? ", skipped " + emptyLines + " empty" : "");
  }

  /** Every non-empty line parsed and every record delivered. */
  public boolean clean() {
    return stats.rejected() == 0 && undelivered == 0;
  }
}
