package io.tidewatch.ingest.agent;

import java.util.List;
import java.util.Objects;

/**
 * A record waiting in the {@link Spool}: what the producer needs to send it again.
 *
 * @param timestamp the record's timestamp in epoch milliseconds, or {@code null}
 * @param key may be {@code null}
 * @param headers in order; a header value may be {@code null}
 */
public record SpooledRecord(
    String topic, Long timestamp, String key, byte[] value, List<Header> headers) {

  public SpooledRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
    headers = List.copyOf(headers);
  }

  /** A record header. */
  public record Header(String key, byte[] value) {}
}
