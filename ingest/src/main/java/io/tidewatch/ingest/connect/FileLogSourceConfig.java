package io.tidewatch.ingest.connect;

import io.tidewatch.ingest.parse.LineDecoder;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.ingest.tail.TailerConfig;
import io.tidewatch.model.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The configuration of {@link FileLogSourceConnector}, checked field by field and as a whole. */
public final class FileLogSourceConfig extends AbstractConfig {

  public static final String FILES_CONFIG = "files";
  private static final String FILES_DOC =
      "Comma-separated absolute globs of the files to tail, such as /var/log/nginx/access.log*."
          + " Include the rotated names (app.log*) so that files rotated while the connector is"
          + " down, and copytruncate copies, are read too.";

  public static final String FORMAT_CONFIG = "format";
  private static final String FORMAT_DOC =
      "How to parse each line: one of " + String.join(", ", LogFormats.NAMES) + ".";

  public static final String LOG_FORMAT_CONFIG = "log.format";
  private static final String LOG_FORMAT_DOC =
      "For format nginx: the log_format string (default: combined); for apache: common,"
          + " combined or a LogFormat string.";

  public static final String FIELDS_CONFIG = "fields";
  private static final String FIELDS_DOC =
      "For format vpc-flow: the custom format (${version} ${vpc-id} ...); default: version 2.";

  public static final String LOG_GROUP_CONFIG = "log.group";
  private static final String LOG_GROUP_DOC = "The log group of the events, such as /nginx/access.";

  public static final String LOG_STREAM_CONFIG = "log.stream";
  private static final String LOG_STREAM_DOC =
      "The log stream of the events; empty (the default) uses the path each file was first"
          + " tailed under.";

  public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
  private static final String TOPIC_PREFIX_DOC =
      "Prefix of the Tidewatch topics: events go to <prefix>logs, rejected lines to"
          + " <prefix>dlq.ingest.";

  public static final String MAX_LINE_BYTES_CONFIG = "max.line.bytes";
  private static final String MAX_LINE_BYTES_DOC =
      "Longer lines are cut to this many bytes and sent to the dead-letter topic as TOO_LONG.";

  public static final String BATCH_LINES_CONFIG = "batch.lines";
  private static final String BATCH_LINES_DOC = "Most lines handed to Connect per poll.";

  public static final String POLL_INTERVAL_MS_CONFIG = "poll.interval.ms";
  private static final String POLL_INTERVAL_MS_DOC =
      "How long to wait before looking again when no file has a new line.";

  public static final String SCAN_INTERVAL_MS_CONFIG = "scan.interval.ms";
  private static final String SCAN_INTERVAL_MS_DOC =
      "How often the globs are expanded again and rotations looked for.";

  public static final String ROTATED_IDLE_MS_CONFIG = "rotated.idle.ms";
  private static final String ROTATED_IDLE_MS_DOC =
      "How long a file renamed out of the globs (or deleted) is kept open at its end for late"
          + " writes before it is closed.";

  /** The converters the records need; set them in the connector configuration. */
  public static final Map<String, String> CONVERTERS =
      Map.of(
          "key.converter", "org.apache.kafka.connect.storage.StringConverter",
          "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
          "header.converter", "org.apache.kafka.connect.storage.StringConverter");

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              FILES_CONFIG,
              Type.LIST,
              ConfigDef.NO_DEFAULT_VALUE,
              FileLogSourceConfig::checkGlobs,
              Importance.HIGH,
              FILES_DOC)
          .define(
              FORMAT_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              FileLogSourceConfig::checkFormat,
              Importance.HIGH,
              FORMAT_DOC)
          .define(LOG_FORMAT_CONFIG, Type.STRING, "", Importance.MEDIUM, LOG_FORMAT_DOC)
          .define(FIELDS_CONFIG, Type.STRING, "", Importance.MEDIUM, FIELDS_DOC)
          .define(
              LOG_GROUP_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              LOG_GROUP_DOC)
          .define(LOG_STREAM_CONFIG, Type.STRING, "", Importance.LOW, LOG_STREAM_DOC)
          .define(
              TOPIC_PREFIX_CONFIG,
              Type.STRING,
              Topics.DEFAULT_PREFIX,
              FileLogSourceConfig::checkPrefix,
              Importance.MEDIUM,
              TOPIC_PREFIX_DOC)
          .define(
              MAX_LINE_BYTES_CONFIG,
              Type.INT,
              LineDecoder.DEFAULT_MAX_LINE_BYTES,
              ConfigDef.Range.between(1, 64 * 1024 * 1024),
              Importance.LOW,
              MAX_LINE_BYTES_DOC)
          .define(
              BATCH_LINES_CONFIG,
              Type.INT,
              2000,
              ConfigDef.Range.between(1, 1_000_000),
              Importance.LOW,
              BATCH_LINES_DOC)
          .define(
              POLL_INTERVAL_MS_CONFIG,
              Type.LONG,
              200L,
              ConfigDef.Range.between(1, 60_000),
              Importance.LOW,
              POLL_INTERVAL_MS_DOC)
          .define(
              SCAN_INTERVAL_MS_CONFIG,
              Type.LONG,
              TailerConfig.DEFAULT_SCAN_INTERVAL.toMillis(),
              ConfigDef.Range.between(0, 3_600_000),
              Importance.LOW,
              SCAN_INTERVAL_MS_DOC)
          .define(
              ROTATED_IDLE_MS_CONFIG,
              Type.LONG,
              TailerConfig.DEFAULT_ROTATED_IDLE.toMillis(),
              ConfigDef.Range.between(0, 86_400_000),
              Importance.LOW,
              ROTATED_IDLE_MS_DOC);

  /**
   * @throws ConfigException naming the setting and how to fix it
   */
  public FileLogSourceConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    parser(); // the format and its layout must compile together
  }

  public List<String> globs() {
    return getList(FILES_CONFIG);
  }

  public String format() {
    return getString(FORMAT_CONFIG).strip().toLowerCase(Locale.ROOT);
  }

  /** The layout given with the format: log.format or fields, never both. */
  public Optional<String> layout() {
    String logFormat = getString(LOG_FORMAT_CONFIG);
    String fields = getString(FIELDS_CONFIG);
    if (!logFormat.isBlank() && !fields.isBlank()) {
      throw new ConfigException(
          LOG_FORMAT_CONFIG
              + " and "
              + FIELDS_CONFIG
              + " are both set: use log.format for nginx/apache, fields for vpc-flow");
    }
    if (!fields.isBlank() && !format().equals(LogFormats.VPC_FLOW)) {
      throw new ConfigException(
          FIELDS_CONFIG,
          fields,
          "fields is the VPC flow log layout; for format "
              + format()
              + " use "
              + LOG_FORMAT_CONFIG);
    }
    return Optional.of(logFormat.isBlank() ? fields : logFormat).filter(s -> !s.isBlank());
  }

  /**
   * @throws ConfigException when the format's layout does not compile, with the parser's reason
   */
  public LogParser parser() {
    try {
      return LogFormats.parser(format(), layout(), maxLineBytes());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          getString(FIELDS_CONFIG).isBlank() ? LOG_FORMAT_CONFIG : FIELDS_CONFIG,
          layout().orElse(""),
          e.getMessage());
    }
  }

  public String logGroup() {
    return getString(LOG_GROUP_CONFIG);
  }

  public Optional<String> logStream() {
    return Optional.of(getString(LOG_STREAM_CONFIG)).filter(s -> !s.isBlank());
  }

  public Topics topics() {
    return new Topics(getString(TOPIC_PREFIX_CONFIG));
  }

  public int maxLineBytes() {
    return getInt(MAX_LINE_BYTES_CONFIG);
  }

  public int batchLines() {
    return getInt(BATCH_LINES_CONFIG);
  }

  public Duration pollInterval() {
    return Duration.ofMillis(getLong(POLL_INTERVAL_MS_CONFIG));
  }

  public TailerConfig tailerConfig() {
    return new TailerConfig(
        globs(),
        maxLineBytes(),
        TailerConfig.DEFAULT_FINGERPRINT_BYTES,
        Duration.ofMillis(getLong(SCAN_INTERVAL_MS_CONFIG)),
        Duration.ofMillis(getLong(ROTATED_IDLE_MS_CONFIG)));
  }

  private static void checkGlobs(String name, Object value) {
    @SuppressWarnings("unchecked")
    List<String> globs = (List<String>) value;
    if (globs == null || globs.isEmpty()) {
      throw new ConfigException(name, value, "give at least one absolute glob");
    }
    for (String glob : globs) {
      if (glob.isBlank() || !Path.of(glob).isAbsolute()) {
        throw new ConfigException(
            name, glob, "each glob must be an absolute path, such as /var/log/nginx/*.log");
      }
    }
  }

  private static void checkFormat(String name, Object value) {
    String format = value == null ? "" : ((String) value).strip().toLowerCase(Locale.ROOT);
    if (!LogFormats.NAMES.contains(format)) {
      try {
        LogFormats.parser(format, Optional.empty());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage()); // says which names exist
      }
    }
  }

  private static void checkPrefix(String name, Object value) {
    try {
      new Topics((String) value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }
}
