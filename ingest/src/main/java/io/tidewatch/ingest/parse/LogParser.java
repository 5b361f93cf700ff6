package io.tidewatch.ingest.parse;

/**
 * Turns one log line into fields. Implementations are immutable and thread-safe, and never throw
 * past this boundary: any input, however broken, gives a {@link Rejected} with a reason.
 *
 * <p>Get one from {@link LogFormats#parser}.
 */
public interface LogParser {

  /**
   * Parses one line (without its line terminator; a trailing {@code \r} or {@code \r\n} is
   * stripped).
   */
  ParseResult parse(String line);

  /**
   * Parses one line given as bytes: rejects lines that are over-long, not UTF-8, or hold NUL or
   * other control characters before decoding them.
   */
  default ParseResult parse(byte[] line) {
    return LineDecoder.DEFAULT.parse(this, line, 0, line == null ? 0 : line.length);
  }

  /** Like {@link #parse(byte[])}, on {@code length} bytes of {@code buffer} from {@code offset}. */
  default ParseResult parse(byte[] buffer, int offset, int length) {
    return LineDecoder.DEFAULT.parse(this, buffer, offset, length);
  }
}
