package io.tidewatch.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A hand-written recursive-descent parser for metric-math expressions ({@link MathExpression}),
 * with CloudWatch's syntax: functions in upper case, metric ids starting with a lower-case letter.
 * Precedence, loosest first: {@code OR}/{@code ||}, {@code AND}/{@code &&}, comparisons, {@code +
 * -}, {@code * /}, unary minus.
 *
 * <p>Problems carry their offset in the expression, so that the rule-file parser can shift them to
 * file positions. A syntax error ends the parse (what follows would mostly repeat it); the checks
 * of ids and of function arguments go on over everything parsed, so that every such mistake is
 * reported at once.
 */
final class MathExpressionParser {

  static final int MAX_LENGTH = 10_240;
  static final int MAX_DEPTH = 64;

  record Problem(int offset, int length, String message) {}

  /**
   * @param expression null when there are problems
   */
  record Result(MathExpression expression, List<Problem> problems) {}

  private enum Kind {
    NUMBER,
    ID,
    WORD,
    SYMBOL,
    END,
    INVALID
  }

  private record Token(Kind kind, String text, int offset) {
    int length() {
      return text.length();
    }
  }

  private static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxError() {
      super(null, null, false, false);
    }
  }

  private static final List<String> SYMBOLS =
      List.of(
          "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]",
          ",");

  private final List<Token> tokens;
  private final Set<String> ids;
  private final List<Problem> problems = new ArrayList<>();
  private int current;
  private int depth;

  private MathExpressionParser(List<Token> tokens, Set<String> ids) {
    this.tokens = tokens;
    this.ids = ids;
  }

  /**
   * @param ids the metric ids the expression may use (the keys of the alarm's {@code metrics:})
   */
  static Result parse(String text, Set<String> ids) {
    if (text.length() > MAX_LENGTH) {
      return new Result(
          null,
          List.of(
              new Problem(0, 1, "the expression is longer than " + MAX_LENGTH + " characters")));
    }
    MathExpressionParser parser = new MathExpressionParser(tokenize(text), ids);
    MathExpression expression = null;
    try {
      if (parser.peek().kind() == Kind.END) {
        parser.problem(parser.peek(), "the expression is empty; write e.g. 100 * e / r");
        throw new SyntaxError();
      }
      expression = parser.or();
      if (parser.peek().kind() != Kind.END) {
        parser.problem(
            parser.peek(),
            "expected an operator or the end of the expression, found "
                + describe(parser.peek())
                + hint(parser.peek()));
        throw new SyntaxError();
      }
      if (expression.metricIds().isEmpty()) {
        parser.problems.add(
            new Problem(
                0,
                text.length(),
                "the expression uses no metric; an alarm watches a time series, so name at least"
                    + " one of its metrics ("
                    + String.join(", ", new TreeSet<>(ids))
                    + ")"));
      }
    } catch (SyntaxError e) {
      expression = null;
    }
    return new Result(parser.problems.isEmpty() ? expression : null, List.copyOf(parser.problems));
  }

  // or = and { ("OR" | "||") and }
  private MathExpression or() {
    MathExpression left = and();
    while (isWord("OR") || isSymbol("||")) {
      advance();
      left = new MathExpression.Binary(MathExpression.Op.OR, left, and());
    }
    return left;
  }

  // and = comparison { ("AND" | "&&") comparison }
  private MathExpression and() {
    MathExpression left = comparison();
    while (isWord("AND") || isSymbol("&&")) {
      advance();
      left = new MathExpression.Binary(MathExpression.Op.AND, left, comparison());
    }
    return left;
  }

  // comparison = additive [ ("==" | "!=" | "<" | "<=" | ">" | ">=") additive ]
  private MathExpression comparison() {
    MathExpression left = additive();
    MathExpression.Op op =
        switch (peek().kind() == Kind.SYMBOL ? peek().text() : "") {
          case "==" -> MathExpression.Op.EQ;
          case "!=" -> MathExpression.Op.NE;
          case "<" -> MathExpression.Op.LT;
          case "<=" -> MathExpression.Op.LE;
          case ">" -> MathExpression.Op.GT;
          case ">=" -> MathExpression.Op.GE;
          default -> null;
        };
    if (op == null) {
      return left;
    }
    advance();
    return new MathExpression.Binary(op, left, additive());
  }

  // additive = term { ("+" | "-") term }
  private MathExpression additive() {
    MathExpression left = term();
    while (isSymbol("+") || isSymbol("-")) {
      MathExpression.Op op =
          advance().text().equals("+") ? MathExpression.Op.ADD : MathExpression.Op.SUB;
      left = new MathExpression.Binary(op, left, term());
    }
    return left;
  }

  // term = unary { ("*" | "/") unary }
  private MathExpression term() {
    MathExpression left = unary();
    while (isSymbol("*") || isSymbol("/")) {
      MathExpression.Op op =
          advance().text().equals("*") ? MathExpression.Op.MUL : MathExpression.Op.DIV;
      left = new MathExpression.Binary(op, left, unary());
    }
    return left;
  }

  // unary = "-" unary | primary
  private MathExpression unary() {
    if (isSymbol("-")) {
      Token minus = advance();
      enter(minus);
      try {
        MathExpression operand = unary();
        return operand instanceof MathExpression.Num number
            ? new MathExpression.Num(-number.value())
            : new MathExpression.Neg(operand);
      } finally {
        depth--;
      }
    }
    return primary();
  }

  // primary = NUMBER | ID | FUNCTION "(" [ argument { "," argument } ] ")" | "(" or ")"
  private MathExpression primary() {
    Token token = peek();
    switch (token.kind()) {
      case NUMBER -> {
        advance();
        double value = Double.parseDouble(token.text());
        if (!Double.isFinite(value)) {
          problem(token, "'" + token.text() + "' is out of the range of a double-precision number");
        }
        return new MathExpression.Num(value);
      }
      case ID -> {
        advance();
        if (isSymbol("(")) {
          problem(token, "'" + token.text() + "' is not a function" + hint(token));
          throw new SyntaxError();
        }
        if (!ids.contains(token.text())) {
          String suggestion =
              DidYouMean.closest(token.text(), new TreeSet<>(ids))
                  .map(id -> " (did you mean '" + id + "'?)")
                  .orElse(
                      ids.isEmpty()
                          ? ""
                          : " (the ids of 'metrics' are "
                              + String.join(", ", new TreeSet<>(ids))
                              + ")");
          problem(token, "'" + token.text() + "' is not one of this alarm's metrics" + suggestion);
        }
        return new MathExpression.Ref(token.text());
      }
      case WORD -> {
        return call(token);
      }
      default -> {
        if (isSymbol("(")) {
          advance();
          enter(token);
          try {
            MathExpression inner = or();
            expect(")", "to close the '(' at character " + (token.offset() + 1));
            return inner;
          } finally {
            depth--;
          }
        }
        if (isSymbol("[")) {
          problem(
              token,
              "an array [a, b, ...] is only allowed as the argument of MIN, MAX, AVG or SUM");
          throw new SyntaxError();
        }
        problem(
            token, "expected a number, a metric id, a function or '(', found " + describe(token));
        throw new SyntaxError();
      }
    }
  }

  // call     = FUNCTION "(" [ argument { "," argument } ] ")"
  // argument = or | "REPEAT" | "[" or { "," or } "]"
  private MathExpression call(Token name) {
    advance();
    MathExpression.Function function = function(name);
    if (function == null && !isSymbol("(")) {
      problem(
          name, "expected a number, a metric id, a function or '(', found '" + name.text() + "'");
      throw new SyntaxError();
    }
    if (!isSymbol("(")) {
      problem(peek(), "expected '(' after " + name.text() + ", found " + describe(peek()));
      throw new SyntaxError();
    }
    advance();
    enter(name);
    try {
      List<MathExpression> arguments = new ArrayList<>();
      List<Token> starts = new ArrayList<>();
      if (!isSymbol(")")) {
        do {
          starts.add(peek());
          arguments.add(argument());
        } while (isSymbol(",") && advance() != null);
      }
      expect(")", "to close " + name.text() + "(");
      checkArguments(name, function, arguments, starts);
      // an unknown function is reported; a placeholder keeps the parse going to find more
      return function == null
          ? new MathExpression.Num(0)
          : new MathExpression.Call(function, arguments);
    } finally {
      depth--;
    }
  }

  private MathExpression argument() {
    if (isWord("REPEAT")) {
      advance();
      return new MathExpression.Repeat();
    }
    if (isSymbol("[")) {
      Token open = advance();
      List<MathExpression> items = new ArrayList<>();
      do {
        items.add(or());
      } while (isSymbol(",") && advance() != null);
      expect("]", "to close the '[' at character " + (open.offset() + 1));
      return new MathExpression.Array(items);
    }
    return or();
  }

  private static MathExpression.Function function(Token name) {
    for (MathExpression.Function function : MathExpression.Function.values()) {
      if (function.name().equals(name.text())) {
        return function;
      }
    }
    return null;
  }

  private void checkArguments(
      Token name,
      MathExpression.Function function,
      List<MathExpression> arguments,
      List<Token> starts) {
    if (function == null) {
      String known =
          String.join(
              ", ", Arrays.stream(MathExpression.Function.values()).map(Enum::name).toList());
      String hint =
          DidYouMean.closest(
                  name.text(),
                  Arrays.stream(MathExpression.Function.values()).map(Enum::name).toList())
              .map(f -> " (did you mean '" + f + "'?)")
              .orElse(" (Tidewatch evaluates " + known + ")");
      problem(name, "unknown function '" + name.text() + "'" + hint);
      return;
    }
    int count = arguments.size();
    switch (function) {
      case ABS -> {
        if (count != 1) {
          problem(name, "ABS takes one argument, e.g. ABS(m1 - m2)");
        }
      }
      case MIN, MAX, AVG, SUM -> {
        if (count != 1 || !(arguments.get(0) instanceof MathExpression.Array)) {
          problem(
              name,
              function
                  + " takes one array of time series, e.g. "
                  + function
                  + "([m1, m2]); the "
                  + function
                  + " of a single time series is a scalar over CloudWatch's whole query, which"
                  + " CloudWatch advises against in alarms and Tidewatch does not evaluate");
        }
      }
      case IF -> {
        if (count < 2 || count > 3) {
          problem(name, "IF takes a condition, a value if true and optionally one if false");
        }
      }
      case FILL -> {
        if (count != 2) {
          problem(name, "FILL takes a time series and a value or REPEAT, e.g. FILL(m1, 0)");
        }
      }
    }
    for (int i = 0; i < count; i++) {
      MathExpression argument = arguments.get(i);
      boolean arrayAllowed =
          function != MathExpression.Function.ABS
              && function != MathExpression.Function.IF
              && function != MathExpression.Function.FILL;
      if (argument instanceof MathExpression.Array && !arrayAllowed) {
        problem(starts.get(i), "an array is only allowed as the argument of MIN, MAX, AVG or SUM");
      }
      if (argument instanceof MathExpression.Repeat
          && !(function == MathExpression.Function.FILL && i == 1)) {
        problem(starts.get(i), "REPEAT is only allowed as the second argument of FILL");
      }
    }
  }

  private void enter(Token token) {
    if (++depth > MAX_DEPTH) {
      problem(token, "the expression is nested more than " + MAX_DEPTH + " levels deep");
      throw new SyntaxError();
    }
  }

  private void expect(String symbol, String purpose) {
    if (isSymbol(symbol)) {
      advance();
      return;
    }
    problem(peek(), "expected '" + symbol + "' " + purpose + ", found " + describe(peek()));
    throw new SyntaxError();
  }

  private boolean isSymbol(String symbol) {
    return peek().kind() == Kind.SYMBOL && peek().text().equals(symbol);
  }

  private boolean isWord(String word) {
    return peek().kind() == Kind.WORD && peek().text().equals(word);
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

  private void problem(Token token, String message) {
    int length = token.kind() == Kind.END ? 0 : Math.max(1, token.length());
    problems.add(new Problem(token.offset(), length, message));
  }

  private static String describe(Token token) {
    return token.kind() == Kind.END ? "the end of the expression" : "'" + token.text() + "'";
  }

  private static String hint(Token token) {
    if (token.kind() != Kind.ID && token.kind() != Kind.WORD) {
      return "";
    }
    String upper = token.text().toUpperCase(Locale.ROOT);
    for (MathExpression.Function function : MathExpression.Function.values()) {
      if (function.name().equals(upper)) {
        return " (functions are written in upper case: " + upper + ")";
      }
    }
    if (upper.equals("AND") || upper.equals("OR") || upper.equals("REPEAT")) {
      return " (written in upper case: " + upper + ")";
    }
    return "";
  }

  /**
   * Numbers are decimal with an optional exponent; ids start with a lower-case letter, words
   * (functions, AND, OR, REPEAT) with an upper-case one; both go on with letters, digits and '_'.
   */
  private static List<Token> tokenize(String text) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      int start = i;
      if (Character.isDigit(c)
          || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
          i++;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
          int exponent = i + 1;
          if (exponent < text.length()
              && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
            exponent++;
          }
          if (exponent < text.length() && Character.isDigit(text.charAt(exponent))) {
            i = exponent;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
              i++;
            }
          }
        }
        String number = text.substring(start, i);
        boolean valid = number.chars().filter(ch -> ch == '.').count() <= 1;
        tokens.add(new Token(valid ? Kind.NUMBER : Kind.INVALID, number, start));
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        while (i < text.length()
            && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
          i++;
        }
        tokens.add(
            new Token(
                Character.isLowerCase(c) ? Kind.ID : Kind.WORD, text.substring(start, i), start));
        continue;
      }
      String symbol = null;
      for (String candidate : SYMBOLS) {
        if (text.startsWith(candidate, i)) {
          symbol = candidate;
          break;
        }
      }
      if (symbol != null) {
        tokens.add(new Token(Kind.SYMBOL, symbol, start));
        i += symbol.length();
      } else {
        int length = Character.charCount(text.codePointAt(i));
        tokens.add(new Token(Kind.INVALID, text.substring(i, i + length), start));
        i += length;
      }
    }
    tokens.add(new Token(Kind.END, "", text.length()));
    return tokens;
  }
}
