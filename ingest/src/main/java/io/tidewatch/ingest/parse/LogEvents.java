package io.tidewatch.ingest.parse;

import io.tidewatch.model.log.LogEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a line and what its parser made of it into a {@link LogEvent}. A parsed line becomes an
 * event with its fields, timed by the line (or by the ingest time when the line has no time). A
 * rejected line is kept, never dropped: an event with no fields, the ingest time, the raw line as
 * message (cut to {@value #MAX_MESSAGE_CHARS} characters) and {@code parseError} = {@code "REASON:
 * detail"}.
 */
public final class LogEvents {

  /** The longest message kept for a rejected line, in characters (the tail is cut off). */
  public static final int MAX_MESSAGE_CHARS = LineDecoder.DEFAULT_MAX_LINE_BYTES;

  private LogEvents() {}

  /**
   * @param logGroup non-empty, such as {@code /nginx/access}
   * @param logStream the source within the group (a host, a file); may be empty
   * @param line the line as read (a trailing {@code \r\n} is dropped from the message)
   * @param result what the parser made of {@code line}
   * @param ingestTime when the line was read
   */
  public static LogEvent toEvent(
      String logGroup, String logStream, String line, ParseResult result, Instant ingestTime) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(ingestTime, "ingestTime");
    String message = stripTerminator(line == null ? "" : line);
    if (result instanceof Parsed parsed) {
      Instant timestamp = parsed.timestamp() != null ? parsed.timestamp() : ingestTime;
      return new LogEvent(
          timestamp, ingestTime, logGroup, logStream, message, parsed.fields(), null);
    }
    Rejected rejected = (Rejected) result;
    boolean cut = message.length() > MAX_MESSAGE_CHARS;
    if (cut) {
      int end = MAX_MESSAGE_CHARS;
      if (Character.isHighSurrogate(message.charAt(end - 1))) {
        end--;
      }
      message = message.substring(0, end);
    }
    return rejectedEvent(logGroup, logStream, message, rejected, cut, ingestTime);
  }

  /**
   * Like {@link #toEvent(String, String, String, ParseResult, Instant)} for a line read as bytes:
   * the message is the bytes decoded as UTF-8, invalid sequences replaced by U+FFFD.
   */
  public static LogEvent toEvent(
      String logGroup, String logStream, byte[] line, ParseResult result, Instant ingestTime) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(ingestTime, "ingestTime");
    byte[] bytes = line == null ? new byte[0] : line;
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
    }
    if (end > 0 && bytes[end - 1] == '\r') {
      end--;
    }
    if (result instanceof Parsed) {
      return toEvent(
          logGroup,
          logStream,
          new String(bytes, 0, end, StandardCharsets.UTF_8),
          result,
          ingestTime);
    }
    boolean cut = end > MAX_MESSAGE_CHARS;
    String message = new String(bytes, 0, Math.min(end, MAX_MESSAGE_CHARS), StandardCharsets.UTF_8);
    return rejectedEvent(logGroup, logStream, message, (Rejected) result, cut, ingestTime);
  }

  private static LogEvent rejectedEvent(
      String logGroup,
      String logStream,
      String message,
      Rejected rejected,
      boolean cut,
      Instant ingestTime) {
    String parseError = rejected.describe();
    if (cut) {
      parseError += " (message cut to its first " + MAX_MESSAGE_CHARS + " characters)";
    }
    return new LogEvent(ingestTime, ingestTime, logGroup, logStream, message, Map.of(), parseError);
  }

  private static String stripTerminator(String line) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\n') {
      end--;
    }
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    return end == line.length() ? line : line.substring(0, end);
  }
}
