package io.tidewatch.ingest.otlp;

import java.util.ArrayList;
import java.util.List;

/**
 * Where OTLP log records land on {@code tw.logs}: the log group is the value of the resource
 * attribute {@code groupAttribute} ({@code service.name} by default), or {@code defaultGroup} when
 * the resource has none; the log stream is the value of the resource attribute {@code
 * streamAttribute} ({@code host.name} by default), or empty.
 */
public record LogGrouping(String groupAttribute, String defaultGroup, String streamAttribute) {

  public static final String DEFAULT_GROUP_ATTRIBUTE = "service.name";
  public static final String DEFAULT_GROUP = "otlp";
  public static final String DEFAULT_STREAM_ATTRIBUTE = "host.name";

  /** CloudWatch's limit on a log group name, which Tidewatch keeps. */
  public static final int MAX_GROUP_LENGTH = 512;

  public LogGrouping {
    List<String> violations = new ArrayList<>();
    if (groupAttribute == null || groupAttribute.isBlank()) {
      violations.add("groupAttribute: a resource attribute key. Found: " + groupAttribute);
    }
    if (defaultGroup == null
        || defaultGroup.isBlank()
        || defaultGroup.length() > MAX_GROUP_LENGTH) {
      violations.add(
          "defaultGroup: 1.." + MAX_GROUP_LENGTH + " characters. Found: " + defaultGroup);
    }
    if (streamAttribute == null || streamAttribute.isBlank()) {
      violations.add("streamAttribute: a resource attribute key. Found: " + streamAttribute);
    }
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid OTLP log grouping: " + String.join("; ", violations));
    }
  }

  public static LogGrouping defaults() {
    return new LogGrouping(DEFAULT_GROUP_ATTRIBUTE, DEFAULT_GROUP, DEFAULT_STREAM_ATTRIBUTE);
  }
}
