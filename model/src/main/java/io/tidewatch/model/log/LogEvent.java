package io.tidewatch.model.log;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One log event on {@code tw.logs}.
 *
 * @param fields parsed fields: values are {@code String}, {@code Long}, {@code Double}, {@code
 *     Boolean} or {@code null} (an absent value such as {@code -} in an access log, never 0)
 * @param parseError why the message could not be parsed, or {@code null} when it was
 */
public record LogEvent(
    Instant timestamp,
    Instant ingestTime,
    String logGroup,
    String logStream,
    String message,
    Map<String, Object> fields,
    String parseError) {

  public LogEvent {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(ingestTime, "ingestTime");
    Objects.requireNonNull(logGroup, "logGroup");
    if (logGroup.isEmpty()) {
      throw new IllegalArgumentException("log group must not be empty");
    }
    logStream = logStream == null ? "" : logStream;
    message = message == null ? "" : message;
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      Object value = field.getValue();
      if (value != null
          && !(value instanceof String
              || value instanceof Long
              || value instanceof Double
              || value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "field '" + field.getKey() + "' has unsupported type " + value.getClass().getName());
      }
    }
  }

  /** The record key on {@code tw.logs}: log group and stream. */
  public String key() {
    return logGroup + "|" + logStream;
  }
}
