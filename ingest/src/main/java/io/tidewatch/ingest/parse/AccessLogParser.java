package io.tidewatch.ingest.parse;

/**
 * nginx and Apache access logs. With two formats (Apache's common and combined) the line picks one
 * by its shape: combined lines end with the quoted user agent, common lines with the byte count.
 */
final class AccessLogParser extends GuardedParser {

  private final AccessLogFormat format;
  private final AccessLogFormat quotedTailFormat;

  /** One format for every line. */
  AccessLogParser(AccessLogFormat format, int maxLineBytes) {
    this(format, null, maxLineBytes);
  }

  /**
   * @param quotedTailFormat used instead of {@code format} for lines ending with {@code "}
   */
  AccessLogParser(AccessLogFormat format, AccessLogFormat quotedTailFormat, int maxLineBytes) {
    super(maxLineBytes);
    this.format = format;
    this.quotedTailFormat = quotedTailFormat;
  }

  @Override
  ParseResult parseLine(String line) {
    if (quotedTailFormat != null && line.charAt(line.length() - 1) == '"') {
      return quotedTailFormat.parse(line);
    }
    return format.parse(line);
  }

  @Override
  public String toString() {
    return quotedTailFormat == null
        ? "AccessLogParser[" + format.source() + "]"
        : "AccessLogParser[" + format.source() + " | " + quotedTailFormat.source() + "]";
  }
}
