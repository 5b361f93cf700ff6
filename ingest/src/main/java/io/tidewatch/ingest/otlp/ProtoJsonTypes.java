package io.tidewatch.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the JSON types of an OTLP/JSON body against its message type, as the protobuf JSON mapping
 * prescribes and {@link com.google.protobuf.util.JsonFormat} does not fully enforce: it reads a
 * number or a boolean sent for a string field as that string ({@code "name": 42} became the metric
 * {@code 42}). Per field type: strings and bytes are JSON strings; booleans are {@code true} or
 * {@code false}; integers and floating-point numbers are numbers or strings (64-bit integers are
 * usually strings, {@code "NaN"} and {@code "Infinity"} are strings), enums strings or integers,
 * messages objects, repeated fields arrays; {@code null} is a field's default. Unknown fields are
 * left alone (they are ignored). What the value of a number or an enum string means is left to
 * {@code JsonFormat}, which checks it.
 */
final class ProtoJsonTypes {

  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS =
      new ConcurrentHashMap<>();

  private ProtoJsonTypes() {}

  /**
   * @throws InvalidProtocolBufferException naming the JSON path (a JSON pointer) of the first value
   *     of the wrong type, what was expected and what was found
   */
  static void check(JsonNode root, Descriptor type) throws InvalidProtocolBufferException {
    StringBuilder path = new StringBuilder();
    String problem = message(root, type, path);
    if (problem != null) {
      throw new InvalidProtocolBufferException(problem);
    }
  }

  /** The problem with {@code node} as a {@code type} message at {@code path}, or null. */
  private static String message(JsonNode node, Descriptor type, StringBuilder path) {
    if (!node.isObject()) {
      return mismatch(path, "an object (" + type.getName() + ")", node);
    }
    Map<String, FieldDescriptor> fields = FIELDS.computeIfAbsent(type, ProtoJsonTypes::byJsonName);
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      FieldDescriptor field = fields.get(member.getKey());
      if (field == null || member.getValue().isNull()) {
        continue;
      }
      int length = path.length();
      path.append('/').append(member.getKey());
      String problem = field(member.getValue(), field, path);
      if (problem != null) {
        return problem;
      }
      path.setLength(length);
    }
    return null;
  }

  private static String field(JsonNode value, FieldDescriptor field, StringBuilder path) {
    if (field.isMapField() || isWellKnown(field)) {
      return null; // OTLP has neither; JsonFormat has rules of its own for them
    }
    if (!field.isRepeated()) {
      return single(value, field, path);
    }
    if (!value.isArray()) {
      return mismatch(path, "an array", value);
    }
    for (int i = 0; i < value.size(); i++) {
      int length = path.length();
      path.append('/').append(i);
      String problem = value.get(i).isNull() ? null : single(value.get(i), field, path);
      if (problem != null) {
        return problem;
      }
      path.setLength(length);
    }
    return null;
  }

  private static String single(JsonNode value, FieldDescriptor field, StringBuilder path) {
    return switch (field.getJavaType()) {
      case STRING, BYTE_STRING -> value.isTextual() ? null : mismatch(path, "a string", value);
      case BOOLEAN -> value.isBoolean() ? null : mismatch(path, "true or false", value);
      case INT, LONG, FLOAT, DOUBLE ->
          value.isNumber() || value.isTextual()
              ? null
              : mismatch(path, "a number (or a number in a string)", value);
      case ENUM ->
          value.isTextual() || value.isIntegralNumber()
              ? null
              : mismatch(path, "an enum name or number", value);
      case MESSAGE -> message(value, field.getMessageType(), path);
    };
  }

  private static boolean isWellKnown(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && field.getMessageType().getFullName().startsWith("google.protobuf.");
  }

  private static String mismatch(StringBuilder path, String expected, JsonNode found) {
    return "at "
        + (path.length() == 0 ? "/" : path)
        + ": expected "
        + expected
        + ", found "
        + describe(found);
  }

  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** A message's fields by the names JsonFormat accepts: the JSON name and the proto name. */
  private static Map<String, FieldDescriptor> byJsonName(Descriptor type) {
    Map<String, FieldDescriptor> fields = new HashMap<>();
    for (FieldDescriptor field : type.getFields()) {
      fields.put(field.getJsonName(), field);
      fields.put(field.getName(), field);
    }
    return Map.copyOf(fields);
  }
}
