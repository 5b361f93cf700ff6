package io.tidewatch.rules;

import io.tidewatch.model.alarm.AlarmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A hand-written recursive-descent parser for composite-alarm rules ({@link AlarmExpression}), with
 * CloudWatch's syntax: operators and functions in upper case, alarm names in double quotes or bare
 * ({@code ALARM(web-5xx)}), {@code NOT} binding tighter than {@code AND}, and {@code AND} tighter
 * than {@code OR}.
 *
 * <p>Every problem is collected with its offset in the rule text, so that the rule-file parser can
 * shift it to a file position; after an error the parser synchronizes at the next {@code AND},
 * {@code OR} or {@code )} and goes on.
 */
final class AlarmExpressionParser {

  /** CloudWatch's limit on an AlarmRule. */
  static final int MAX_LENGTH = 10_240;

  /** Deeper nesting than any real rule; keeps the recursion far from the stack's end. */
  static final int MAX_DEPTH = 64;

  private static final Set<String> STATES = Set.of("ALARM", "OK", "INSUFFICIENT_DATA");
  private static final Set<String> KEYWORDS =
      Set.of("AND", "OR", "NOT", "TRUE", "FALSE", "ALARM", "OK", "INSUFFICIENT_DATA");

  /**
   * A problem at {@code offset} of the rule text, {@code length} characters long (0 at its end).
   */
  record Problem(int offset, int length, String message) {}

  /** An alarm name as written, for reference checks with positions. */
  record Reference(String name, int offset, int length) {}

  /**
   * @param expression null when there are problems
   */
  record Result(AlarmExpression expression, List<Reference> references, List<Problem> problems) {}

  private enum Kind {
    LEFT,
    RIGHT,
    WORD,
    STRING,
    END,
    INVALID
  }

  private record Token(Kind kind, String text, int offset, int length) {}

  /** Thrown to unwind to the nearest synchronization point after a problem is recorded. */
  private static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxError() {
      super(null, null, false, false);
    }
  }

  private final String text;
  private final List<Token> tokens;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Reference> references = new ArrayList<>();
  private int current;
  private int depth;

  private AlarmExpressionParser(String text, List<Token> tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  static Result parse(String text) {
    if (text.length() > MAX_LENGTH) {
      return new Result(
          null,
          List.of(),
          List.of(
              new Problem(
                  0,
                  1,
                  "the rule is "
                      + text.length()
                      + " characters long; CloudWatch's limit of "
                      + MAX_LENGTH
                      + " applies")));
    }
    List<Problem> lexical = new ArrayList<>();
    List<Token> tokens = tokenize(text, lexical);
    AlarmExpressionParser parser = new AlarmExpressionParser(text, tokens);
    parser.problems.addAll(lexical);
    AlarmExpression expression = parser.rule();
    boolean ok = parser.problems.isEmpty();
    return new Result(ok ? expression : null, List.copyOf(parser.references), parser.problems);
  }

  // rule = or END
  private AlarmExpression rule() {
    if (peek().kind() == Kind.END) {
      problem(
          peek(), "the rule is empty; write e.g. ALARM(\"web-5xx-ratio\") AND NOT OK(\"db-up\")");
      return null;
    }
    AlarmExpression expression = or();
    if (peek().kind() != Kind.END) {
      Token extra = peek();
      problem(
          extra,
          extra.kind() == Kind.RIGHT
              ? "unmatched ')'"
              : "expected AND, OR or the end of the rule, found " + describe(extra) + hint(extra));
      return null; // what follows would only repeat this mistake
    }
    return expression;
  }

  // or = and { "OR" and }
  private AlarmExpression or() {
    AlarmExpression left = and();
    while (isKeyword(peek(), "OR")) {
      advance();
      AlarmExpression right = and();
      left = left == null || right == null ? null : new AlarmExpression.Or(left, right);
    }
    return left;
  }

  // and = unary { "AND" unary }
  private AlarmExpression and() {
    AlarmExpression left = unary();
    while (isKeyword(peek(), "AND")) {
      advance();
      AlarmExpression right = unary();
      left = left == null || right == null ? null : new AlarmExpression.And(left, right);
    }
    return left;
  }

  // unary = "NOT" unary | primary
  private AlarmExpression unary() {
    try {
      if (!isKeyword(peek(), "NOT")) {
        return primary();
      }
      Token not = advance();
      if (++depth > MAX_DEPTH) {
        problem(not, "the rule is nested more than " + MAX_DEPTH + " levels deep");
        throw new SyntaxError();
      }
      try {
        AlarmExpression operand = unary();
        return operand == null ? null : new AlarmExpression.Not(operand);
      } finally {
        depth--;
      }
    } catch (SyntaxError e) {
      synchronize();
      return null;
    }
  }

  // primary = "TRUE" | "FALSE" | "(" or ")" | state "(" name ")"
  // state   = "ALARM" | "OK" | "INSUFFICIENT_DATA"
  // name    = STRING | WORD
  private AlarmExpression primary() {
    Token token = peek();
    if (token.kind() == Kind.LEFT) {
      advance();
      if (++depth > MAX_DEPTH) {
        problem(token, "the rule is nested more than " + MAX_DEPTH + " levels deep");
        throw new SyntaxError();
      }
      try {
        AlarmExpression inner = or();
        consume(
            Kind.RIGHT,
            "a ')' to close the '(' at character " + (token.offset() + 1) + " of the rule");
        return inner;
      } finally {
        depth--;
      }
    }
    if (isKeyword(token, "TRUE") || isKeyword(token, "FALSE")) {
      advance();
      return new AlarmExpression.Constant(token.text().equals("TRUE"));
    }
    if (token.kind() == Kind.WORD && STATES.contains(token.text())) {
      advance();
      consume(Kind.LEFT, "'(' and an alarm name after " + token.text());
      try {
        return stateIs(token);
      } catch (SyntaxError e) {
        // resume after this call's ')', so that the rest of the rule is checked too
        while (peek().kind() != Kind.END && advance().kind() != Kind.RIGHT) {
          // skip
        }
        throw e;
      }
    }
    problem(
        token,
        "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT or '(',"
            + " found "
            + describe(token)
            + hint(token));
    throw new SyntaxError();
  }

  // the rest of: state "(" name ")"
  private AlarmExpression stateIs(Token state) {
    Token name = peek();
    if (name.kind() != Kind.STRING && (name.kind() != Kind.WORD || isAnyKeyword(name))) {
      problem(name, "expected an alarm name in " + state.text() + "(...), found " + describe(name));
      throw new SyntaxError();
    }
    advance();
    if (name.text().isEmpty()) {
      problem(name, "the alarm name is empty");
      throw new SyntaxError();
    }
    references.add(new Reference(name.text(), name.offset(), name.length()));
    consume(Kind.RIGHT, "')' after the alarm name");
    return new AlarmExpression.StateIs(AlarmState.valueOf(state.text()), name.text());
  }

  private static String hint(Token token) {
    if (token.kind() != Kind.WORD) {
      return "";
    }
    String upper = token.text().toUpperCase(Locale.ROOT);
    if (KEYWORDS.contains(upper)) {
      return " (operators and functions are written in upper case: " + upper + ")";
    }
    return "";
  }

  private void consume(Kind kind, String expected) {
    if (peek().kind() == kind) {
      advance();
      return;
    }
    problem(peek(), "expected " + expected + ", found " + describe(peek()));
    throw new SyntaxError();
  }

  /** Skips to the next AND, OR, ')' or the end, where parsing can resume. */
  private void synchronize() {
    while (peek().kind() != Kind.END
        && peek().kind() != Kind.RIGHT
        && !isKeyword(peek(), "AND")
        && !isKeyword(peek(), "OR")) {
      advance();
    }
  }

  private Token peek() {
    return tokens.get(current);
  }

  private Token advance() {
    Token token = tokens.get(current);
    if (current < tokens.size() - 1) {
      current++;
    }
    return token;
  }

  private static boolean isKeyword(Token token, String keyword) {
    return token.kind() == Kind.WORD && token.text().equals(keyword);
  }

  private static boolean isAnyKeyword(Token token) {
    return token.kind() == Kind.WORD && KEYWORDS.contains(token.text());
  }

  private void problem(Token token, String message) {
    boolean repeated =
        !problems.isEmpty() && problems.get(problems.size() - 1).offset() == token.offset();
    if (!repeated) {
      int length = token.kind() == Kind.END ? 0 : Math.max(1, token.length());
      problems.add(new Problem(token.offset(), length, message));
    }
  }

  private String describe(Token token) {
    return switch (token.kind()) {
      case END -> "the end of the rule";
      case LEFT -> "'('";
      case RIGHT -> "')'";
      case STRING -> "\"" + token.text() + "\"";
      default -> "'" + text.substring(token.offset(), token.offset() + token.length()) + "'";
    };
  }

  /**
   * Words are runs of {@code [A-Za-z0-9._-]}, optionally followed by a {@code
   * {dimension=value,...}} instance; strings are double-quoted and cannot hold a quote.
   */
  private static List<Token> tokenize(String text, List<Problem> problems) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(') {
        tokens.add(new Token(Kind.LEFT, "(", i, 1));
        i++;
      } else if (c == ')') {
        tokens.add(new Token(Kind.RIGHT, ")", i, 1));
        i++;
      } else if (c == '"') {
        int end = text.indexOf('"', i + 1);
        if (end < 0) {
          problems.add(new Problem(i, text.length() - i, "this string has no closing '\"'"));
          tokens.add(new Token(Kind.INVALID, text.substring(i), i, text.length() - i));
          break;
        }
        tokens.add(new Token(Kind.STRING, text.substring(i + 1, end), i, end + 1 - i));
        i = end + 1;
      } else if (isWordChar(c)) {
        int start = i;
        while (i < text.length() && isWordChar(text.charAt(i))) {
          i++;
        }
        if (i < text.length() && text.charAt(i) == '{') {
          int close = text.indexOf('}', i);
          i = close < 0 ? text.length() : close + 1;
        }
        tokens.add(new Token(Kind.WORD, text.substring(start, i), start, i - start));
      } else {
        int length = Character.charCount(text.codePointAt(i));
        tokens.add(new Token(Kind.INVALID, text.substring(i, i + length), i, length));
        i += length;
      }
    }
    tokens.add(new Token(Kind.END, "", text.length(), 0));
    return tokens;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }
}
