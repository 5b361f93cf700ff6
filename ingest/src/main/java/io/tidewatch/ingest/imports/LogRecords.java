package io.tidewatch.ingest.imports;

import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * How one line read from a log file becomes one Kafka record: a parsed line is a {@link LogEvent}
 * on {@code tw.logs}, keyed by {@link LogEvent#key()} and timed by the line; a rejected line is its
 * original bytes on {@code tw.dlq.ingest}, keyed like the event would have been, with the reason
 * and where it came from in headers. Immutable and thread-safe.
 */
public final class LogRecords {

  /** The rejection reason, a {@link io.tidewatch.ingest.parse.RejectReason} name. */
  public static final String REASON = "tw.reason";

  /** The parser's explanation of the rejection. */
  public static final String REASON_DETAIL = "tw.reason.detail";

  public static final String LOG_GROUP = "tw.log.group";
  public static final String LOG_STREAM = "tw.log.stream";
  public static final String FORMAT = "tw.format";
  public static final String SOURCE_FILE = "tw.source.file";
  public static final String SOURCE_LINE = "tw.source.line";

  /** The full length of a line whose value holds only its first bytes. */
  public static final String LINE_BYTES = "tw.line.bytes";

  public static final String FAILED_AT = "tw.failed.at";

  private final String logsTopic;
  private final String dlqTopic;
  private final String format;

  /**
   * @param format the format name put in the headers of rejected lines
   */
  public LogRecords(Topics topics, String format) {
    this.logsTopic = topics.logs().name();
    this.dlqTopic = topics.dlq("ingest").name();
    this.format = format;
  }

  public String logsTopic() {
    return logsTopic;
  }

  public String dlqTopic() {
    return dlqTopic;
  }

  /**
   * The record of one line.
   *
   * @param line the line's kept bytes, without {@code \n}; a trailing {@code \r} is dropped
   * @param length how many bytes of {@code line} are the line
   * @param totalLength the line's full length (more than {@code length} when it was cut)
   * @param result what the parser made of it
   * @param origin the file the line came from, or {@code null}
   * @param lineNumber the line's number in its file, from 1 (0 when unknown)
   */
  public ProducerRecord<String, byte[]> record(
      String logGroup,
      String logStream,
      byte[] line,
      int length,
      long totalLength,
      ParseResult result,
      Instant ingestTime,
      String origin,
      long lineNumber) {
    if (result instanceof Parsed parsed) {
      int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      String message = new String(line, 0, end, StandardCharsets.UTF_8);
      Instant timestamp = parsed.timestamp() != null ? parsed.timestamp() : ingestTime;
      LogEvent event =
          new LogEvent(timestamp, ingestTime, logGroup, logStream, message, parsed.fields(), null);
      return event(event);
    }
    Rejected rejected = (Rejected) result;
    List<Header> headers = new ArrayList<>(9);
    headers.add(header(REASON, rejected.reason().name()));
    headers.add(header(REASON_DETAIL, rejected.detail()));
    headers.add(header(LOG_GROUP, logGroup));
    headers.add(header(LOG_STREAM, logStream));
    headers.add(header(FORMAT, format));
    if (origin != null) {
      headers.add(header(SOURCE_FILE, origin));
    }
    if (lineNumber > 0) {
      headers.add(header(SOURCE_LINE, Long.toString(lineNumber)));
    }
    if (totalLength > length) {
      headers.add(header(LINE_BYTES, Long.toString(totalLength)));
    }
    headers.add(header(FAILED_AT, ingestTime.toString()));
    return new ProducerRecord<>(
        dlqTopic, null, null, logGroup + "|" + logStream, Arrays.copyOf(line, length), headers);
  }

  /** The record of an event on {@code tw.logs}, stamped with the event's time. */
  public ProducerRecord<String, byte[]> event(LogEvent event) {
    return new ProducerRecord<>(
        logsTopic,
        null,
        event.timestamp().toEpochMilli(),
        event.key(),
        Codecs.LOG_EVENT.encode(event));
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
