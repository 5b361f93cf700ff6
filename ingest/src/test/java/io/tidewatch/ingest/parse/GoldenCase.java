package io.tidewatch.ingest.parse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One case of a {@code *.golden} file: a block starting {@code === name} with {@code key: value}
 * lines (an indented line continues the value above). See {@code vpc-flow.golden} for the keys.
 */
record GoldenCase(
    String file,
    String name,
    String format,
    Optional<String> option,
    String line,
    Optional<Instant> timestamp,
    Map<String, Object> fields,
    RejectReason reject) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<GoldenCase> load(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<GoldenCase> cases = new ArrayList<>();
    String name = null;
    Map<String, String> values = new LinkedHashMap<>();
    String lastKey = null;
    for (String text : lines) {
      if (text.startsWith("#") || text.isBlank()) {
        continue;
      }
      if (text.startsWith("=== ")) {
        if (name != null) {
          cases.add(of(path, name, values));
        }
        name = text.substring(4).strip();
        values = new LinkedHashMap<>();
        lastKey = null;
      } else if (Character.isWhitespace(text.charAt(0)) && lastKey != null) {
        values.put(lastKey, values.get(lastKey) + " " + text.strip());
      } else {
        int colon = text.indexOf(": ");
        if (colon < 0 || name == null) {
          throw new IllegalArgumentException(path + ": not 'key: value': " + text);
        }
        lastKey = text.substring(0, colon);
        values.put(lastKey, text.substring(colon + 2));
      }
    }
    if (name != null) {
      cases.add(of(path, name, values));
    }
    return cases;
  }

  private static GoldenCase of(Path path, String name, Map<String, String> values) {
    String where = path.getFileName() + " '" + name + "'";
    String format = required(values, "format", where);
    String line = required(values, "line", where);
    RejectReason reject =
        values.containsKey("reject") ? RejectReason.valueOf(values.get("reject").strip()) : null;
    Optional<Instant> timestamp = Optional.empty();
    Map<String, Object> fields = null;
    if (reject == null) {
      String time = required(values, "timestamp", where).strip();
      timestamp = time.equals("none") ? Optional.empty() : Optional.of(Instant.parse(time));
      fields = json(required(values, "fields", where), where);
    }
    return new GoldenCase(
        path.getFileName().toString(),
        name,
        format,
        Optional.ofNullable(values.get("option")),
        line,
        timestamp,
        fields,
        reject);
  }

  private static String required(Map<String, String> values, String key, String where) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException(where + ": missing '" + key + ":'");
    }
    return value;
  }

  /** A JSON object with integers as Long (the type parsers give), decimals as Double. */
  private static Map<String, Object> json(String text, String where) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> raw = JSON.readValue(text, LinkedHashMap.class);
      Map<String, Object> typed = new LinkedHashMap<>();
      raw.forEach(
          (key, value) ->
              typed.put(
                  key, value instanceof Integer number ? (Object) number.longValue() : value));
      return typed;
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": fields are not a JSON object: " + e, e);
    }
  }

  @Override
  public String toString() {
    return file + ": " + name;
  }
}
