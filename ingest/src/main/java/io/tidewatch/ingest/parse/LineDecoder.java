package io.tidewatch.ingest.parse;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The byte-level boundary in front of a {@link LogParser}: strips a trailing {@code \n} / {@code
 * \r\n}, rejects over-long lines before looking at their content, rejects invalid UTF-8, NUL and
 * other control characters, and only then decodes the line and hands it to the parser.
 *
 * <p>Immutable and thread-safe.
 */
public final class LineDecoder {

  /** The default longest line, in bytes (256 KiB). */
  public static final int DEFAULT_MAX_LINE_BYTES = 256 * 1024;

  /** A decoder with {@link #DEFAULT_MAX_LINE_BYTES}. */
  public static final LineDecoder DEFAULT = new LineDecoder(DEFAULT_MAX_LINE_BYTES);

  private final int maxLineBytes;

  /**
   * @param maxLineBytes the longest line accepted, in bytes (without the line terminator)
   */
  public LineDecoder(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException(
          "maxLineBytes: a positive number of bytes (default "
              + DEFAULT_MAX_LINE_BYTES
              + "). Found: "
              + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  public int maxLineBytes() {
    return maxLineBytes;
  }

  /** Checks and decodes {@code line}, then parses it with {@code parser}. Never throws. */
  public ParseResult parse(LogParser parser, byte[] line) {
    return parse(parser, line, 0, line == null ? 0 : line.length);
  }

  /**
   * Checks and decodes {@code length} bytes of {@code buffer} from {@code offset}, then parses them
   * with {@code parser}. Never throws on content; an offset/length outside the buffer is a caller
   * bug and throws {@link IndexOutOfBoundsException}.
   */
  public ParseResult parse(LogParser parser, byte[] buffer, int offset, int length) {
    Objects.requireNonNull(parser, "parser");
    if (buffer == null) {
      return new Rejected(RejectReason.EMPTY, "no line");
    }
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int end = offset + length;
    if (end > offset && buffer[end - 1] == '\n') {
      end--;
    }
    if (end > offset && buffer[end - 1] == '\r') {
      end--;
    }
    int size = end - offset;
    if (size == 0) {
      return new Rejected(RejectReason.EMPTY, "empty line");
    }
    if (size > maxLineBytes) {
      return tooLong(size, maxLineBytes, "bytes");
    }
    Rejected bad = LineChecks.checkUtf8(buffer, offset, end);
    if (bad != null) {
      return bad;
    }
    String text = new String(buffer, offset, size, StandardCharsets.UTF_8);
    if (parser instanceof GuardedParser guarded) {
      return guarded.parseChecked(text);
    }
    try {
      return parser.parse(text);
    } catch (RuntimeException | StackOverflowError e) {
      return GuardedParser.internalError(e);
    }
  }

  static Rejected tooLong(long size, int max, String unit) {
    return new Rejected(
        RejectReason.TOO_LONG,
        "line of " + size + " " + unit + " exceeds the limit of " + max + " " + unit);
  }
}
