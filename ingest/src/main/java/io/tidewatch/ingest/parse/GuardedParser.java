package io.tidewatch.ingest.parse;

/**
 * The boundary every format shares: line-terminator stripping, length and content checks, and a
 * catch-all so that no input can make a parser throw. Formats implement {@link #parseLine} on a
 * line that is known to be non-blank, within the length limit and free of control characters.
 */
abstract class GuardedParser implements LogParser {

  private final LineDecoder decoder;

  GuardedParser(int maxLineBytes) {
    this.decoder = new LineDecoder(maxLineBytes);
  }

  /** Parses a checked line. May throw only on a bug; the boundary turns that into a rejection. */
  abstract ParseResult parseLine(String line);

  @Override
  public final ParseResult parse(String line) {
    if (line == null) {
      return new Rejected(RejectReason.EMPTY, "no line");
    }
    int length = line.length();
    if (length > 0 && line.charAt(length - 1) == '\n') {
      length--;
    }
    if (length > 0 && line.charAt(length - 1) == '\r') {
      length--;
    }
    if (length == 0) {
      return new Rejected(RejectReason.EMPTY, "empty line");
    }
    if (length > decoder.maxLineBytes()) {
      return LineDecoder.tooLong(length, decoder.maxLineBytes(), "characters");
    }
    Rejected bad = LineChecks.checkChars(line, length);
    if (bad != null) {
      return bad;
    }
    return parseChecked(length == line.length() ? line : line.substring(0, length));
  }

  @Override
  public final ParseResult parse(byte[] line) {
    return decoder.parse(this, line);
  }

  @Override
  public final ParseResult parse(byte[] buffer, int offset, int length) {
    return decoder.parse(this, buffer, offset, length);
  }

  final ParseResult parseChecked(String line) {
    try {
      return parseLine(line);
    } catch (RuntimeException | StackOverflowError e) {
      return internalError(e);
    }
  }

  static Rejected internalError(Throwable e) {
    return new Rejected(
        RejectReason.INTERNAL_ERROR, "parser failed: " + e.getClass().getSimpleName());
  }
}
