package io.tidewatch.ingest.otlp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;

/**
 * Renders OTLP attribute values as dimension values: strings as they are; booleans, integers and
 * doubles as Java's canonical text ({@code true}, {@code 42}, {@code 0.5}); bytes as base64; arrays
 * and key-value lists as compact JSON; an empty value as the empty string.
 */
final class AnyValues {

  private static final JsonStringEncoder JSON_STRINGS = JsonStringEncoder.getInstance();

  private AnyValues() {}

  static String toText(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> {
        StringBuilder json = new StringBuilder();
        appendJson(json, value);
        yield json.toString();
      }
      default -> "";
    };
  }

  private static void appendJson(StringBuilder json, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> appendString(json, value.getStringValue());
      case BOOL_VALUE -> json.append(value.getBoolValue());
      case INT_VALUE -> json.append(value.getIntValue());
      case DOUBLE_VALUE -> {
        double number = value.getDoubleValue();
        if (Double.isFinite(number)) {
          json.append(number);
        } else {
          appendString(json, Double.toString(number)); // JSON has no NaN or Infinity
        }
      }
      case BYTES_VALUE ->
          appendString(
              json, Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        json.append('[');
        for (int i = 0; i < value.getArrayValue().getValuesCount(); i++) {
          if (i > 0) {
            json.append(',');
          }
          appendJson(json, value.getArrayValue().getValues(i));
        }
        json.append(']');
      }
      case KVLIST_VALUE -> {
        json.append('{');
        for (int i = 0; i < value.getKvlistValue().getValuesCount(); i++) {
          KeyValue entry = value.getKvlistValue().getValues(i);
          if (i > 0) {
            json.append(',');
          }
          appendString(json, entry.getKey());
          json.append(':');
          appendJson(json, entry.getValue());
        }
        json.append('}');
      }
      default -> json.append("null");
    }
  }

  private static void appendString(StringBuilder json, String text) {
    json.append('"').append(JSON_STRINGS.quoteAsString(text)).append('"');
  }
}
