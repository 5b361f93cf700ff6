package io.tidewatch.actions.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
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

  /**
   * The longest matcher, as written, and the longest value: Alertmanager sets none, but a matcher
   * is a label and a short value or pattern, and a longer one is a mistake or an attack.
   */
  public static final int MAX_LENGTH = 1024;

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 10_000;

  public Matcher {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    if (label.isEmpty()
        || !isLabelStart(label.charAt(0))
        || !label.chars().allMatch(c -> isLabelPart((char) c))) {
      throw new IllegalArgumentException(
          "a label name: letters, digits, '_' and '.', not starting with a digit. Found: " + label);
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a matcher value is at most " + MAX_LENGTH + " characters, found " + value.length());
    }
    if (op == Op.REGEX || op == Op.NOT_REGEX) {
      pattern(value);
    }
  }

  /**
   * Parses {@code label=value}, {@code label!="value"}, {@code label=~"regex"}, {@code
   * label!~regex}; the value may be in double quotes (with {@code \"} and {@code \\} escapes).
   * Whitespace around the label, the operator and the value is ignored. One pass over the text, so
   * the time is linear in its length, which is at most {@link #MAX_LENGTH}.
   *
   * @throws IllegalArgumentException saying what is wrong, e.g. for {@code team} or {@code x=~"("}
   */
  public static Matcher parse(String text) {
    String matcher = text == null ? "" : text;
    if (matcher.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a matcher is at most " + MAX_LENGTH + " characters, found " + matcher.length());
    }
    int end = matcher.length();
    while (end > 0 && isSpace(matcher.charAt(end - 1))) {
      end--;
    }
    int at = skipSpace(matcher, 0, end);
    int labelStart = at;
    if (at < end && isLabelStart(matcher.charAt(at))) {
      at++;
      while (at < end && isLabelPart(matcher.charAt(at))) {
        at++;
      }
    }
    String label = matcher.substring(labelStart, at);
    at = skipSpace(matcher, at, end);
    Op op = operatorAt(matcher, at, end);
    if (label.isEmpty() || op == null) {
      throw new IllegalArgumentException(
          "a matcher like team=\"web\", team!=\"web\", severity=~\"page|critical\" or"
              + " host!~\"canary-.*\". Found: "
              + matcher);
    }
    at = skipSpace(matcher, at + op.symbol().length(), end);
    return new Matcher(label, op, unquote(matcher.substring(at, end)));
  }

  /** The operator written at {@code at}, the two-character ones first; null if none. */
  private static Op operatorAt(String text, int at, int end) {
    for (Op op : List.of(Op.REGEX, Op.NOT_REGEX, Op.NOT_EQUAL, Op.EQUAL)) {
      if (at + op.symbol().length() <= end && text.startsWith(op.symbol(), at)) {
        return op;
      }
    }
    return null;
  }

  private static int skipSpace(String text, int at, int end) {
    while (at < end && isSpace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  /** The characters of {@code \s} in {@link java.util.regex.Pattern}, as the old syntax had. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  private static boolean isLabelStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isLabelPart(char c) {
    return isLabelStart(c) || (c >= '0' && c <= '9') || c == '.';
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
