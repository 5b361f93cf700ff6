package io.tidewatch.rules;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The keys of one YAML mapping with typed, reporting accessors: each accessor returns the value
 * when it is usable and otherwise reports why (wrong type, bad value, missing) and returns empty,
 * so a caller reads every key and collects every problem in one pass.
 *
 * <p><b>Internal</b>: public only so that the parsers of the {@code io.tidewatch.rules}
 * sub-packages (rule tests) share it with the rule-file parser; not an API, it may change in any
 * release.
 */
public final class Fields {

  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  /**
   * The most digits a duration may have: 999999999d is already 2.7 million years, and with at most
   * nine digits every duration, in milliseconds, fits a {@code long} many times over, so that no
   * arithmetic on it can overflow.
   */
  public static final int MAX_DURATION_DIGITS = 9;

  private static final Pattern SPECIAL_FLOAT =
      Pattern.compile("[-+]?\\.(?:inf|Inf|INF|nan|NaN|NAN)");

  /** One key and its value; the first occurrence wins, later ones are reported as duplicates. */
  public record Field(String key, ScalarNode keyNode, Node value) {}

  private final FileDiagnostics diagnostics;
  private final MappingNode mapping;
  private final Map<String, Field> fields = new LinkedHashMap<>();
  private String owner;

  /**
   * @param owner how messages name this mapping, e.g. {@code alarm 'web-cpu-high'} or {@code
   *     'metric'}
   */
  public Fields(MappingNode mapping, FileDiagnostics diagnostics, String owner) {
    this.mapping = mapping;
    this.diagnostics = diagnostics;
    this.owner = owner;
    for (NodeTuple tuple : mapping.getValue()) {
      if (!diagnostics.unusable(tuple.getKeyNode())
          && tuple.getKeyNode() instanceof ScalarNode key) {
        fields.putIfAbsent(key.getValue(), new Field(key.getValue(), key, tuple.getValueNode()));
      }
    }
  }

  public void owner(String owner) {
    this.owner = owner;
  }

  public Iterable<Field> all() {
    return fields.values();
  }

  public Optional<Field> field(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /** Reports every key not in {@code valid}, with the nearest valid key when one is close. */
  public void rejectUnknown(List<String> valid) {
    rejectUnknown(valid, "key");
  }

  /**
   * @param noun what a key is called in messages, e.g. "section" at the top of a file
   */
  public void rejectUnknown(List<String> valid, String noun) {
    for (Field field : fields.values()) {
      if (valid.contains(field.key())) {
        continue;
      }
      if (field.key().equals("<<")) {
        diagnostics.report(
            DiagnosticCode.UNKNOWN_KEY,
            field.keyNode(),
            "merge keys ('<<') are not supported in rule files; write the keys out");
        continue;
      }
      String hint =
          DidYouMean.closest(field.key(), valid)
              .map(name -> " (did you mean '" + name + "'?)")
              .orElse("; valid " + noun + "s here: " + String.join(", ", valid));
      diagnostics.report(
          DiagnosticCode.UNKNOWN_KEY,
          field.keyNode(),
          "unknown " + noun + " '" + field.key() + "' in " + owner + hint);
    }
  }

  /** The field, or empty after reporting it missing when {@code required}. */
  public Optional<Field> get(String key, boolean required) {
    Field field = fields.get(key);
    if (field == null && required) {
      diagnostics.report(
          DiagnosticCode.MISSING_KEY,
          diagnostics.spanOfMapping(mapping),
          owner + " is missing required key '" + key + "'");
    }
    if (field != null && diagnostics.unusable(field.value())) {
      return Optional.empty();
    }
    return Optional.ofNullable(field);
  }

  /** Any scalar but null, as text: {@code 500} is the string "500" here. */
  public Optional<String> string(String key, boolean required) {
    return get(key, required).flatMap(field -> text(field.key(), field.value(), "a string"));
  }

  public Optional<ScalarNode> stringNode(String key, boolean required) {
    return get(key, required)
        .flatMap(
            field ->
                text(field.key(), field.value(), "a string").map(ok -> (ScalarNode) field.value()));
  }

  public Optional<Integer> integer(String key, boolean required, int minimum) {
    return get(key, required).flatMap(field -> integer(field, minimum));
  }

  public Optional<Double> number(String key, boolean required) {
    return get(key, required).flatMap(this::number);
  }

  /** {@code 10s}, {@code 1m}, {@code 5m}, {@code 1h}, {@code 1d}: an integer and one unit. */
  public Optional<Duration> duration(String key, boolean required) {
    return get(key, required).flatMap(this::duration);
  }

  public Optional<MappingNode> mapping(String key, boolean required, String example) {
    return get(key, required)
        .flatMap(
            field -> {
              if (field.value() instanceof MappingNode value) {
                return Optional.of(value);
              }
              wrongType(field, "a mapping, e.g. " + example);
              return Optional.empty();
            });
  }

  /** A list of plain values, each as its node so that callers can point at one item. */
  public Optional<List<ScalarNode>> stringList(String key, String example) {
    Optional<Field> found = get(key, false);
    if (found.isEmpty() || YamlDocument.isNull(found.get().value())) {
      return found.isEmpty() ? Optional.empty() : Optional.of(List.of());
    }
    Field field = found.get();
    if (!(field.value() instanceof SequenceNode sequence)) {
      wrongType(field, "a list of strings, e.g. " + example);
      return Optional.empty();
    }
    List<ScalarNode> items = new ArrayList<>();
    boolean ok = true;
    for (Node item : sequence.getValue()) {
      if (item instanceof ScalarNode scalar && !YamlDocument.isNull(scalar)) {
        if (!diagnostics.unusable(scalar)) {
          items.add(scalar);
        }
        continue;
      }
      ok = false;
      if (!diagnostics.unusable(item)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            item,
            "each item of '"
                + field.key()
                + "' must be a string, found "
                + YamlDocument.describe(item));
      }
    }
    return ok ? Optional.of(items) : Optional.empty();
  }

  /** A mapping of plain keys to plain values, e.g. dimensions or labels. */
  public Optional<Map<String, String>> stringMap(String key, String example) {
    Optional<Field> found = get(key, false);
    if (found.isEmpty() || YamlDocument.isNull(found.get().value())) {
      return found.isEmpty() ? Optional.empty() : Optional.of(Map.of());
    }
    Field field = found.get();
    if (!(field.value() instanceof MappingNode value)) {
      wrongType(field, "a mapping of names to values, e.g. " + example);
      return Optional.empty();
    }
    Map<String, String> result = new LinkedHashMap<>();
    boolean ok = true;
    for (Field entry : new Fields(value, diagnostics, "'" + key + "'").all()) {
      Optional<String> text = text(key + "." + entry.key(), entry.value(), "a string");
      text.ifPresent(v -> result.put(entry.key(), v));
      ok &= text.isPresent();
    }
    return ok ? Optional.of(result) : Optional.empty();
  }

  public void wrongType(Field field, String expected) {
    wrongType(field.key(), field.value(), expected);
  }

  public void badValue(Node node, String message) {
    diagnostics.report(DiagnosticCode.BAD_VALUE, node, message);
  }

  private void wrongType(String key, Node value, String expected) {
    if (diagnostics.unusable(value)) {
      return;
    }
    diagnostics.report(
        DiagnosticCode.WRONG_TYPE,
        value,
        "'" + key + "' must be " + expected + ", found " + YamlDocument.describe(value));
  }

  private Optional<String> text(String key, Node value, String expected) {
    if (value instanceof ScalarNode scalar && !YamlDocument.isNull(scalar)) {
      return diagnostics.unusable(scalar) ? Optional.empty() : Optional.of(scalar.getValue());
    }
    wrongType(key, value, expected);
    return Optional.empty();
  }

  private Optional<Integer> integer(Field field, int minimum) {
    Node value = field.value();
    if (!(value instanceof ScalarNode scalar) || !Tag.INT.equals(scalar.getTag())) {
      wrongType(field, "a whole number");
      return Optional.empty();
    }
    BigInteger parsed = parseInteger(scalar.getValue());
    if (parsed.compareTo(BigInteger.valueOf(minimum)) < 0) {
      badValue(value, "'" + field.key() + "' must be at least " + minimum + ", found " + parsed);
      return Optional.empty();
    }
    if (parsed.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      badValue(value, "'" + field.key() + "' is too large: " + parsed);
      return Optional.empty();
    }
    return Optional.of(parsed.intValue());
  }

  private Optional<Double> number(Field field) {
    Node value = field.value();
    if (!(value instanceof ScalarNode scalar)
        || !(Tag.INT.equals(scalar.getTag()) || Tag.FLOAT.equals(scalar.getTag()))) {
      wrongType(field, "a number");
      return Optional.empty();
    }
    String text = scalar.getValue();
    if (SPECIAL_FLOAT.matcher(text).matches()) {
      badValue(value, "'" + field.key() + "' must be a finite number, found " + text);
      return Optional.empty();
    }
    double parsed =
        Tag.INT.equals(scalar.getTag())
            ? parseInteger(text).doubleValue()
            : Double.parseDouble(text);
    if (!Double.isFinite(parsed)) {
      badValue(value, "'" + field.key() + "' must be a finite number, found " + text);
      return Optional.empty();
    }
    return Optional.of(parsed);
  }

  private Optional<Duration> duration(Field field) {
    Node value = field.value();
    if (!(value instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
      wrongType(field, "a duration with a unit, such as 10s, 1m, 5m, 1h or 1d");
      return Optional.empty();
    }
    Matcher matcher = DURATION.matcher(scalar.getValue());
    if (!matcher.matches()) {
      badValue(
          value,
          "'"
              + field.key()
              + "' must be a duration: a whole number and one unit of s, m, h or d (10s, 1m, 5m,"
              + " 1h, 1d), found '"
              + scalar.getValue()
              + "'");
      return Optional.empty();
    }
    if (matcher.group(1).length() > MAX_DURATION_DIGITS) {
      diagnostics.report(
          DiagnosticCode.OUT_OF_RANGE,
          value,
          "'"
              + field.key()
              + "' is out of range: a duration has at most "
              + MAX_DURATION_DIGITS
              + " digits, found "
              + matcher.group(1).length());
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    long unitSeconds =
        switch (matcher.group(2)) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          default -> 86400;
        };
    return Optional.of(Duration.ofSeconds(amount * unitSeconds));
  }

  /** YAML 1.2 core integers: decimal with sign, {@code 0x} hexadecimal, {@code 0o} octal. */
  private static BigInteger parseInteger(String text) {
    if (text.startsWith("0x")) {
      return new BigInteger(text.substring(2), 16);
    }
    if (text.startsWith("0o")) {
      return new BigInteger(text.substring(2), 8);
    }
    return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
  }
}
