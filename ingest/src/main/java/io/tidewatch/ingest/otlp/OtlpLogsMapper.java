package io.tidewatch.ingest.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tidewatch.model.log.LogEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps an OTLP logs export request to {@link LogEvent}s for {@code tw.logs}:
 *
 * <ul>
 *   <li>log group and stream: from resource attributes, see {@link LogGrouping};
 *   <li>timestamp: {@code time_unix_nano}, else {@code observed_time_unix_nano}, else the receive
 *       time, truncated to milliseconds; the ingest time is the receive time;
 *   <li>message: the body; a string as it is, any other value as {@link AnyValues} renders it (maps
 *       and arrays as compact JSON), empty without a body;
 *   <li>fields: the resource attributes the {@link AttributeFilter} allows, then every log
 *       attribute (winning on a clash), typed: strings, booleans, integers ({@code Long}) and
 *       doubles stay what they are (a non-finite double becomes its text, as JSON has no NaN),
 *       bytes become base64, maps and arrays compact JSON; then {@code severityText}, {@code
 *       severityNumber}, {@code traceId}, {@code spanId} (lowercase hex) and {@code eventName} when
 *       the record has them.
 * </ul>
 *
 * <p>A record whose log group would be longer than {@value LogGrouping#MAX_GROUP_LENGTH}
 * characters, or whose body or an attribute is over its {@link FieldLimits limit}, is rejected,
 * counted and named in the partial-success message. Thread-safe and stateless.
 */
final class OtlpLogsMapper {

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final AttributeFilter resourceFilter;
  private final LogGrouping grouping;

  OtlpLogsMapper(AttributeFilter resourceFilter, LogGrouping grouping) {
    this.resourceFilter = Objects.requireNonNull(resourceFilter, "resourceFilter");
    this.grouping = Objects.requireNonNull(grouping, "grouping");
  }

  MappingResult<LogEvent> map(ExportLogsServiceRequest request, Instant receiveTime) {
    Instant ingestTime = receiveTime.truncatedTo(ChronoUnit.MILLIS);
    List<LogEvent> accepted = new ArrayList<>();
    Rejections rejections = new Rejections("log record", "log records", "records");
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      Resource resource = resourceLogs.getResource();
      String group = attribute(resource, grouping.groupAttribute());
      if (group.isEmpty()) {
        group = grouping.defaultGroup();
      }
      String stream = attribute(resource, grouping.streamAttribute());
      Map<String, Object> resourceFields = new LinkedHashMap<>();
      String resourceProblem = null;
      for (KeyValue attribute : resource.getAttributesList()) {
        if (resourceFilter.test(attribute.getKey())) {
          resourceFields.put(attribute.getKey(), typed(attribute.getValue()));
          if (resourceProblem == null) {
            resourceProblem = attributeProblem(attribute);
          }
        }
      }
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        int count = scopeLogs.getLogRecordsCount();
        if (group.length() > LogGrouping.MAX_GROUP_LENGTH) {
          rejections.add(
              OtlpRejectReason.LOG_GROUP_TOO_LONG,
              "log group from resource attribute '"
                  + grouping.groupAttribute()
                  + "' is longer than "
                  + LogGrouping.MAX_GROUP_LENGTH
                  + " characters",
              count);
          continue;
        }
        if (resourceProblem != null) {
          rejections.add(OtlpRejectReason.ATTRIBUTE_TOO_LONG, "resource " + resourceProblem, count);
          continue;
        }
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          String message = record.hasBody() ? AnyValues.toText(record.getBody()) : "";
          if (message.length() > FieldLimits.MAX_LOG_BODY_CHARS) {
            rejections.add(
                OtlpRejectReason.BODY_TOO_LONG,
                FieldLimits.tooLong("log body", message, FieldLimits.MAX_LOG_BODY_CHARS),
                1);
            continue;
          }
          String problem = attributesProblem(record);
          if (problem != null) {
            rejections.add(OtlpRejectReason.ATTRIBUTE_TOO_LONG, problem, 1);
            continue;
          }
          accepted.add(event(record, message, group, stream, resourceFields, ingestTime));
        }
      }
    }
    return new MappingResult<>(accepted, rejections.byReason(), rejections.message());
  }

  private static String attributesProblem(LogRecord record) {
    for (KeyValue attribute : record.getAttributesList()) {
      String problem = attributeProblem(attribute);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** An attribute over its {@link FieldLimits limit}, described; null when within them. */
  private static String attributeProblem(KeyValue attribute) {
    AnyValue value = attribute.getValue();
    String text =
        value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
            ? value.getStringValue()
            : AnyValues.toText(value);
    return FieldLimits.attributeProblem(
        attribute.getKey(), text, FieldLimits.MAX_LOG_ATTRIBUTE_VALUE_CHARS);
  }

  private static LogEvent event(
      LogRecord record,
      String message,
      String group,
      String stream,
      Map<String, Object> resourceFields,
      Instant ingestTime) {
    Map<String, Object> fields = new LinkedHashMap<>(resourceFields);
    for (KeyValue attribute : record.getAttributesList()) {
      fields.put(attribute.getKey(), typed(attribute.getValue()));
    }
    if (!record.getSeverityText().isEmpty()) {
      fields.put("severityText", record.getSeverityText());
    }
    if (record.getSeverityNumberValue() != 0) {
      fields.put("severityNumber", (long) record.getSeverityNumberValue());
    }
    if (!record.getTraceId().isEmpty()) {
      fields.put("traceId", HexFormat.of().formatHex(record.getTraceId().toByteArray()));
    }
    if (!record.getSpanId().isEmpty()) {
      fields.put("spanId", HexFormat.of().formatHex(record.getSpanId().toByteArray()));
    }
    if (!record.getEventName().isEmpty()) {
      fields.put("eventName", record.getEventName());
    }
    long nanos =
        record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
    Instant timestamp =
        nanos == 0 ? ingestTime : Instant.ofEpochMilli(Long.divideUnsigned(nanos, NANOS_PER_MILLI));
    return new LogEvent(timestamp, ingestTime, group, stream, message, fields, null);
  }

  /** An attribute value as a typed field value. */
  static Object typed(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE ->
          Double.isFinite(value.getDoubleValue())
              ? (Object) value.getDoubleValue()
              : Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> AnyValues.toText(value);
      default -> null;
    };
  }

  private static String attribute(Resource resource, String key) {
    String found = "";
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals(key)) {
        found = AnyValues.toText(attribute.getValue());
      }
    }
    return found;
  }
}
