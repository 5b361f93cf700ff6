package io.tidewatch.ingest.parse;

/** What a {@link LogParser} made of one line: {@link Parsed} or {@link Rejected}. */
public sealed interface ParseResult permits Parsed, Rejected {

  /** Whether this is a {@link Parsed}. */
  default boolean isParsed() {
    return this instanceof Parsed;
  }
}
