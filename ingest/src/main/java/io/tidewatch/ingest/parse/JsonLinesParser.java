package io.tidewatch.ingest.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;

/**
 * JSON lines: one JSON object per line. Scalars keep their type (integers as Long, decimals as
 * Double, booleans, null; an integer too big for a Long keeps its digits as text), nested objects
 * are flattened with dots ({@code {"http":{"status":200}}} gives {@code http.status}), arrays and
 * objects nested deeper than {@value #MAX_FLATTEN_DEPTH} levels are kept as compact JSON text.
 *
 * <p>The event time is the first of {@code @timestamp}, {@code timestamp}, {@code time}, {@code ts}
 * (top level) that holds an ISO 8601 time (UTC when it has no zone) or epoch seconds, millis,
 * micros or nanos (told apart by magnitude); none, or none that parses, leaves it to the caller.
 */
final class JsonLinesParser extends GuardedParser {

  static final int MAX_FIELDS = 1000;
  static final int MAX_FLATTEN_DEPTH = 16;
  private static final int MAX_NESTING = 200;
  private static final String[] TIME_KEYS = {"@timestamp", "timestamp", "time", "ts"};
  private static final double MAX_EPOCH_SECOND = 253_402_300_799d;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
          .build();

  JsonLinesParser(int maxLineBytes) {
    super(maxLineBytes);
  }

  @Override
  ParseResult parseLine(String line) {
    try (JsonParser parser = FACTORY.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return new Rejected(RejectReason.INVALID_JSON, "expected a JSON object ({...})");
      }
      LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
      Deque<String> outer = new ArrayDeque<>();
      String prefix = "";
      long nameBudget = Math.max(64 * 1024L, 4L * line.length());
      while (true) {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_OBJECT) {
          if (outer.isEmpty()) {
            break;
          }
          prefix = outer.pop();
          continue;
        }
        String name = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
        nameBudget -= name.length();
        if (nameBudget < 0) {
          return new Rejected(
              RejectReason.TOO_MANY_FIELDS,
              "flattened field names are longer than the line allows");
        }
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT && outer.size() + 1 < MAX_FLATTEN_DEPTH) {
          outer.push(prefix);
          prefix = name;
          continue;
        }
        fields.put(name, value(parser, value));
        if (fields.size() > MAX_FIELDS) {
          return new Rejected(
              RejectReason.TOO_MANY_FIELDS, "more than " + MAX_FIELDS + " fields after flattening");
        }
      }
      if (parser.nextToken() != null) {
        return new Rejected(RejectReason.INVALID_JSON, "text after the JSON object");
      }
      return new Parsed(timestamp(fields), FieldMap.own(fields));
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      int newline = message == null ? -1 : message.indexOf('\n');
      return new Rejected(
          RejectReason.INVALID_JSON,
          (newline < 0 ? String.valueOf(message) : message.substring(0, newline))
              + (e.getLocation() == null ? "" : " (column " + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      return new Rejected(RejectReason.INVALID_JSON, e.getClass().getSimpleName());
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        JsonParser.NumberType type = parser.getNumberType();
        return type == JsonParser.NumberType.BIG_INTEGER
            ? parser.getText()
            : Long.valueOf(parser.getLongValue());
      case VALUE_NUMBER_FLOAT:
        double number = parser.getDoubleValue();
        return Double.isFinite(number) ? Double.valueOf(number) : parser.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case START_ARRAY:
      case START_OBJECT:
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
          generator.copyCurrentStructure(parser);
        }
        return text.toString();
      default:
        throw new IllegalStateException("unexpected JSON token " + token);
    }
  }

  private static Instant timestamp(LinkedHashMap<String, Object> fields) {
    for (String key : TIME_KEYS) {
      Object value = fields.get(key);
      Instant instant = null;
      if (value instanceof String text) {
        instant = Timestamps.parseIso(text, 0, text.length(), false);
      } else if (value instanceof Long number) {
        instant = epoch(number.doubleValue(), number);
      } else if (value instanceof Double number) {
        instant = epoch(number, null);
      }
      if (instant != null) {
        return instant;
      }
    }
    return null;
  }

  /**
   * Epoch seconds, millis, micros or nanos, told apart by magnitude; {@code null} if implausible.
   */
  private static Instant epoch(double value, Long exact) {
    if (!(value > 0)) {
      return null;
    }
    if (exact != null) {
      long v = exact;
      if (v < 100_000_000_000L) {
        return Instant.ofEpochSecond(v);
      } else if (v < 100_000_000_000_000L) {
        return Instant.ofEpochMilli(v);
      } else if (v < 100_000_000_000_000_000L) {
        return Instant.ofEpochSecond(v / 1_000_000, (v % 1_000_000) * 1_000);
      }
      return Instant.ofEpochSecond(v / 1_000_000_000, v % 1_000_000_000);
    }
    double seconds;
    if (value < 1e11) {
      seconds = value;
    } else if (value < 1e14) {
      seconds = value / 1e3;
    } else if (value < 1e17) {
      seconds = value / 1e6;
    } else {
      seconds = value / 1e9;
    }
    if (seconds > MAX_EPOCH_SECOND) {
      return null;
    }
    long whole = (long) Math.floor(seconds);
    long nanos = Math.round((seconds - whole) * 1e9);
    return Instant.ofEpochSecond(whole, nanos);
  }

  @Override
  public String toString() {
    return "JsonLinesParser";
  }
}
