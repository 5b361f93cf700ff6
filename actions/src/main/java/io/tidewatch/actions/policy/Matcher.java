package io.tidewatch.actions.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A label matcher as in Alertmanager: {@code team="web"}, {@code team!="web"}, {@code
 * severity=~"page|critical"}, {@code host!~"canary-.*"}. Regular expressions are anchored and run
 * in linear time (RE2/J). A label that is not set matches as the empty string.
 */
public record Matcher(String label, Op op, String value) {

  /** How the value is compared. */
  public enum Op {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    @JsonValue
    public String symbol() {
      return symbol;
    }

    @JsonCreator
    public static Op of(String symbol) {
      for (Op op : values()) {
        if (op.symbol.equals(symbol) || op.name().equals(symbol)) {
          return op;
        }
      }
      throw new IllegalArgumentException(
          "unknown matcher operator " + symbol + " (use =, !=, =~ or !~)");
    }
  }

  private static final java.util.regex.Pattern SYNTAX =
      java.util.regex.Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 10_000;

  public Matcher {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    if (!label.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
      throw new IllegalArgumentException(
          "a label name: letters, digits, '_' and '.', not starting with a digit. Found: " + label);
    }
    if (op == Op.REGEX || op == Op.NOT_REGEX) {
      pattern(value);
    }
  }

  /**
   * Parses {@code label=value}, {@code label!="value"}, {@code label=~"regex"}, {@code
   * label!~regex}; the value may be in double quotes (with {@code \"} and {@code \\} escapes).
   *
   * @throws IllegalArgumentException saying what is wrong, e.g. for {@code team} or {@code x=~"("}
   */
  public static Matcher parse(String text) {
    java.util.regex.Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a matcher like team=\"web\", team!=\"web\", severity=~\"page|critical\" or host!~\"canary-.*\". Found: "
              + text);
    }
    return new Matcher(m.group(1), Op.of(m.group(2)), unquote(m.group(3)));
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      StringBuilder out = new StringBuilder();
      for (int i = 1; i < value.length() - 1; i++) {
        char c = value.charAt(i);
        if (c == '\\' && i + 1 < value.length() - 1) {
          out.append(value.charAt(++i));
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
    return value;
  }

  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(label, "");
    return switch (op) {
      case EQUAL -> actual.equals(value);
      case NOT_EQUAL -> !actual.equals(value);
      case REGEX -> pattern(value).matches(actual);
      case NOT_REGEX -> !pattern(value).matches(actual);
    };
  }

  private static Pattern pattern(String regex) {
    Pattern cached = PATTERNS.get(regex);
    if (cached != null) {
      return cached;
    }
    Pattern compiled;
    try {
      compiled = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "not a valid regular expression (RE2 syntax): " + regex + ": " + e.getDescription());
    }
    if (PATTERNS.size() < MAX_CACHED) {
      PATTERNS.put(regex, compiled);
    }
    return compiled;
  }

  @Override
  public String toString() {
    return label + op.symbol() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
