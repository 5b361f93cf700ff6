package io.tidewatch.model.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.proto.FieldValue;
import io.tidewatch.model.proto.LogEventMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code tw.logs} values: {@link LogEvent} as a {@code LogEventMessage}. */
final class LogEventCodec extends ProtobufCodec<LogEvent, LogEventMessage> {

  @Override
  LogEventMessage toMessage(LogEvent event) {
    LogEventMessage.Builder message =
        LogEventMessage.newBuilder()
            .setTimestampMillis(event.timestamp().toEpochMilli())
            .setIngestTimeMillis(event.ingestTime().toEpochMilli())
            .setLogGroup(event.logGroup())
            .setLogStream(event.logStream())
            .setMessage(event.message());
    if (event.parseError() != null) {
      message.setParseError(event.parseError());
    }
    event.fields().forEach((name, value) -> message.putFields(name, toField(value)));
    return message.build();
  }

  private static FieldValue toField(Object value) {
    FieldValue.Builder field = FieldValue.newBuilder();
    if (value == null) {
      return field.setNullValue(true).build();
    } else if (value instanceof String text) {
      return field.setStringValue(text).build();
    } else if (value instanceof Long integer) {
      return field.setIntegerValue(integer).build();
    } else if (value instanceof Double number) {
      return field.setNumberValue(number).build();
    } else if (value instanceof Boolean bool) {
      return field.setBoolValue(bool).build();
    }
    throw new IllegalArgumentException("unsupported field type " + value.getClass().getName());
  }

  @Override
  LogEventMessage parse(byte[] bytes) throws InvalidProtocolBufferException {
    return LogEventMessage.parseFrom(bytes);
  }

  @Override
  LogEvent fromMessage(LogEventMessage message) {
    Map<String, Object> fields = new LinkedHashMap<>();
    message.getFieldsMap().forEach((name, field) -> fields.put(name, fromField(field)));
    return new LogEvent(
        Instant.ofEpochMilli(message.getTimestampMillis()),
        Instant.ofEpochMilli(message.getIngestTimeMillis()),
        message.getLogGroup(),
        message.getLogStream(),
        message.getMessage(),
        fields,
        message.getParseError().isEmpty() ? null : message.getParseError());
  }

  private static Object fromField(FieldValue field) {
    return switch (field.getKindCase()) {
      case STRING_VALUE -> field.getStringValue();
      case NUMBER_VALUE -> field.getNumberValue();
      case INTEGER_VALUE -> field.getIntegerValue();
      case BOOL_VALUE -> field.getBoolValue();
      case NULL_VALUE, KIND_NOT_SET -> null;
    };
  }

  @Override
  public String toJson(LogEvent event) {
    return JsonCodec.write(event);
  }
}
