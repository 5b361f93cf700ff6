package io.tidewatch.model.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON values of the control topics ({@code tw.rules}, {@code tw.alarm-*}, {@code tw.actions}):
 * readable by people and other tools. Timestamps are ISO-8601 strings, as in CloudWatch events.
 */
public final class JsonCodec<T> implements Codec<T> {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final Class<T> type;

  public JsonCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public byte[] encode(T value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + type.getSimpleName() + " as JSON", e);
    }
  }

  @Override
  public T decode(String topic, byte[] bytes) {
    if (bytes == null) {
      throw MalformedRecordException.of(topic, "null value", null);
    }
    try {
      T value = MAPPER.readValue(bytes, type);
      if (value == null) {
        throw MalformedRecordException.of(
            topic, "JSON null is not a " + type.getSimpleName(), null);
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof MalformedRecordException malformed) {
        throw malformed;
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int newline = reason.indexOf('\n');
      throw MalformedRecordException.of(
          topic,
          "not a valid "
              + type.getSimpleName()
              + " JSON document: "
              + (newline < 0 ? reason : reason.substring(0, newline)),
          e);
    }
  }

  @Override
  public String toJson(T value) {
    return write(value);
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
