package io.tidewatch.ingest.parse;

import java.time.Instant;
import java.util.Map;

/**
 * A line that followed its format.
 *
 * @param timestamp the event time the line carries, or {@code null} when it has none (the caller
 *     then uses the ingest time)
 * @param fields the parsed fields in format order, unmodifiable; values are {@code String}, {@code
 *     Long}, {@code Double}, {@code Boolean} or {@code null} (an absent value such as {@code -},
 *     never 0)
 */
public record Parsed(Instant timestamp, Map<String, Object> fields) implements ParseResult {

  public Parsed {
    fields = FieldMap.freeze(fields);
  }
}
