package io.tidewatch.ingest.otlp;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;

/**
 * Reads an OTLP/JSON body as JSON, with an error of our own wording when it is not: what is wrong,
 * the line and column, and the JSON path where the parser was. ({@code JsonFormat}'s own syntax
 * errors are Gson's, with a link to Gson's troubleshooting page.)
 */
final class JsonSyntax {

  /** Floats as {@code BigDecimal}: a tree written back keeps every digit as sent. */
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final String GSON_ADVICE = "\nSee https://github.com/google/gson";

  private JsonSyntax() {}

  /**
   * @throws InvalidProtocolBufferException when the body is not one JSON value, e.g. {@code
   *     malformed JSON at line 1, column 30 (in /resourceMetrics/0): Unexpected end-of-input:
   *     expected close marker for OBJECT}
   */
  static JsonNode read(byte[] body) throws InvalidProtocolBufferException {
    try {
      JsonNode root = MAPPER.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new InvalidProtocolBufferException("malformed JSON: the body is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InvalidProtocolBufferException(describe(e));
    } catch (IOException e) {
      throw new InvalidProtocolBufferException("malformed JSON: " + e.getMessage());
    }
  }

  /** A message without Gson's troubleshooting link, for errors that still come from JsonFormat. */
  static String withoutGsonAdvice(String message) {
    if (message == null) {
      return "not an OTLP JSON export request";
    }
    int advice = message.indexOf(GSON_ADVICE);
    return advice < 0 ? message : message.substring(0, advice);
  }

  private static String describe(JsonProcessingException e) {
    StringBuilder message = new StringBuilder("malformed JSON");
    JsonLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      message
          .append(" at line ")
          .append(location.getLineNr())
          .append(", column ")
          .append(location.getColumnNr());
    }
    if (e.getProcessor() instanceof JsonParser parser) {
      String path = parser.getParsingContext().pathAsPointer().toString();
      if (!path.isEmpty()) {
        message.append(" (in ").append(path).append(')');
      }
    }
    return message.append(": ").append(what(e.getOriginalMessage())).toString();
  }

  /** Jackson's description without the parts that quote the source or repeat the location. */
  private static String what(String original) {
    String what = original == null ? "not JSON" : original;
    for (String cut : new String[] {"\n", " (start marker at", " at [Source"}) {
      int at = what.indexOf(cut);
      if (at >= 0) {
        what = what.substring(0, at);
      }
    }
    return what;
  }
}
