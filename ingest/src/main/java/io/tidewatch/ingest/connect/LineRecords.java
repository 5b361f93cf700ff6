package io.tidewatch.ingest.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.ingest.parse.LogEvents;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.ParseStats;
import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.ingest.tail.FileIdentity;
import io.tidewatch.ingest.tail.FilePosition;
import io.tidewatch.ingest.tail.Fingerprint;
import io.tidewatch.ingest.tail.TailedLine;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.Topic;
import io.tidewatch.model.topic.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns tailed lines into source records: parsed lines become {@code LogEvent}s on {@code tw.logs},
 * rejected ones their raw bytes on {@code tw.dlq.ingest} with the reason in headers. The source
 * partition is the file (its key), the offset its position after the line.
 */
final class LineRecords {

  static final String PARTITION_FILE = "file";
  static final String OFFSET_POSITION = "position";
  static final String OFFSET_FINGERPRINT = "fingerprint";
  static final String OFFSET_STREAM = "stream";

  static final String REASON_HEADER = "tw.reason";
  static final String DETAIL_HEADER = "tw.reason.detail";
  static final String FILE_HEADER = "tw.source.file";
  static final String POSITION_HEADER = "tw.source.position";
  static final String LOG_GROUP_HEADER = "tw.log.group";

  private final LogParser parser;
  private final String logGroup;
  private final Optional<String> logStream;
  private final String logsTopic;
  private final String dlqTopic;
  private final Topic<JsonNode> positionsTopic;
  private final Clock clock;
  private final ParseStats stats;
  private final IngestMeters meters;

  LineRecords(
      LogParser parser,
      String logGroup,
      Optional<String> logStream,
      Topics topics,
      Clock clock,
      ParseStats stats,
      IngestMeters meters) {
    this.parser = parser;
    this.logGroup = logGroup;
    this.logStream = logStream;
    this.logsTopic = topics.logs().name();
    this.dlqTopic = topics.dlq("ingest").name();
    this.positionsTopic = topics.ingestPositions();
    this.clock = clock;
    this.stats = stats;
    this.meters = meters;
  }

  SourceRecord toRecord(TailedLine line) {
    FilePosition position = line.position();
    Map<String, String> partition = partition(position.identity().fileKey());
    Map<String, Object> offset = offset(position);
    String stream = logStream.orElse(position.stream());
    ParseResult result =
        line.cut()
            ? new Rejected(
                RejectReason.TOO_LONG,
                "line of "
                    + line.length()
                    + " bytes exceeds the limit of "
                    + line.bytes().length
                    + " bytes (cut)")
            : parser.parse(line.bytes());
    meters.record(stats.record(result));
    Instant now = clock.instant();
    if (result instanceof Parsed) {
      LogEvent event = LogEvents.toEvent(logGroup, stream, line.bytes(), result, now);
      return new SourceRecord(
          partition,
          offset,
          logsTopic,
          null,
          Schema.STRING_SCHEMA,
          event.key(),
          Schema.BYTES_SCHEMA,
          Codecs.LOG_EVENT.encode(event));
    }
    Rejected rejected = (Rejected) result;
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString(REASON_HEADER, rejected.reason().name());
    headers.addString(DETAIL_HEADER, rejected.describe());
    headers.addString(FILE_HEADER, line.path().toString());
    headers.addString(POSITION_HEADER, Long.toString(position.offset()));
    headers.addString(LOG_GROUP_HEADER, logGroup);
    return new SourceRecord(
        partition,
        offset,
        dlqTopic,
        null,
        Schema.STRING_SCHEMA,
        logGroup + "|" + stream,
        Schema.BYTES_SCHEMA,
        line.bytes(),
        null,
        headers);
  }

  /**
   * A record that carries only the source offset of a file the tailer took up without reading a
   * line ({@link io.tidewatch.ingest.tail.FileTailer#takeCopyPositions()}), so that a restart
   * resumes it there; it lands on the compacted positions topic, keyed by the file.
   */
  SourceRecord toPositionRecord(FilePosition position) {
    String fileKey = position.identity().fileKey();
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("file", fileKey);
    value.put("stream", position.stream());
    value.put("offset", position.offset());
    return new SourceRecord(
        partition(fileKey),
        offset(position),
        positionsTopic.name(),
        null,
        Schema.STRING_SCHEMA,
        fileKey,
        Schema.BYTES_SCHEMA,
        positionsTopic.codec().encode(value));
  }

  private static Map<String, Object> offset(FilePosition position) {
    return Map.of(
        OFFSET_POSITION, position.offset(),
        OFFSET_FINGERPRINT, position.identity().fingerprint().encode(),
        OFFSET_STREAM, position.stream());
  }

  static Map<String, String> partition(String fileKey) {
    return Map.of(PARTITION_FILE, fileKey);
  }

  /** A stored offset back as a position; empty when it is not one of ours. */
  static Optional<FilePosition> position(String fileKey, Map<String, Object> offset) {
    if (offset == null
        || !(offset.get(OFFSET_POSITION) instanceof Number number)
        || !(offset.get(OFFSET_FINGERPRINT) instanceof String fingerprint)
        || !(offset.get(OFFSET_STREAM) instanceof String stream)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new FilePosition(
              new FileIdentity(fileKey, Fingerprint.decode(fingerprint)),
              stream,
              number.longValue()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
