package io.tidewatch.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A metric-math expression (RULES.md section 1, an alarm's {@code expression:}), in CloudWatch's
 * syntax: numbers, metric ids, {@code + - * /}, comparisons ({@code == != < <= > >=}) and {@code
 * AND}/{@code OR} (for {@code IF}), parentheses, and the functions {@code ABS}, {@code MIN}, {@code
 * MAX}, {@code AVG}, {@code SUM} (of an array {@code [a, b, ...]}), {@code IF} and {@code FILL(m,
 * value|REPEAT)}. Evaluate it with {@link io.tidewatch.rules.alarm.MetricMathEvaluator}; {@link
 * #toString()} writes the canonical text, fully parenthesized.
 */
public sealed interface MathExpression
    permits MathExpression.Num,
        MathExpression.Ref,
        MathExpression.Neg,
        MathExpression.Binary,
        MathExpression.Call,
        MathExpression.Array,
        MathExpression.Repeat {

  /** A number, a scalar at every period. */
  record Num(double value) implements MathExpression {
    @Override
    public String toString() {
      return value == Math.rint(value) && Math.abs(value) < 1e15
          ? String.valueOf((long) value)
          : String.valueOf(value);
    }
  }

  /** A metric of the alarm's {@code metrics:}, by id: its statistic per period. */
  record Ref(String id) implements MathExpression {
    public Ref {
      Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /** Unary minus. */
  record Neg(MathExpression operand) implements MathExpression {
    public Neg {
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public String toString() {
      return "-" + operand;
    }
  }

  /** The binary operators, as written. */
  enum Op {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/"),
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    AND("AND"),
    OR("OR");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  record Binary(Op op, MathExpression left, MathExpression right) implements MathExpression {
    public Binary {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public String toString() {
      return "(" + left + " " + op.symbol() + " " + right + ")";
    }
  }

  /** The functions Tidewatch evaluates, with CloudWatch's names. */
  enum Function {
    ABS,
    MIN,
    MAX,
    AVG,
    SUM,
    IF,
    FILL
  }

  /** A function call; the parser has checked the number and kinds of its arguments. */
  record Call(Function function, List<MathExpression> arguments) implements MathExpression {
    public Call {
      Objects.requireNonNull(function, "function");
      arguments = List.copyOf(arguments);
    }

    @Override
    public String toString() {
      return function
          + arguments.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }
  }

  /** {@code [a, b, ...]}: only as the argument of MIN, MAX, AVG and SUM. */
  record Array(List<MathExpression> items) implements MathExpression {
    public Array {
      items = List.copyOf(items);
    }

    @Override
    public String toString() {
      return items.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
  }

  /** {@code REPEAT}: only as the second argument of FILL. */
  record Repeat() implements MathExpression {
    @Override
    public String toString() {
      return "REPEAT";
    }
  }

  /** The metric ids the expression uses, in order of first use. */
  default Set<String> metricIds() {
    Set<String> ids = new LinkedHashSet<>();
    collect(this, ids);
    return ids;
  }

  private static void collect(MathExpression expression, Set<String> ids) {
    if (expression instanceof Ref ref) {
      ids.add(ref.id());
    } else if (expression instanceof Neg neg) {
      collect(neg.operand(), ids);
    } else if (expression instanceof Binary binary) {
      collect(binary.left(), ids);
      collect(binary.right(), ids);
    } else if (expression instanceof Call call) {
      call.arguments().forEach(argument -> collect(argument, ids));
    } else if (expression instanceof Array array) {
      array.items().forEach(item -> collect(item, ids));
    }
  }

  /**
   * Parses an expression written alone, e.g. in code or a test.
   *
   * @param ids the metric ids it may use
   * @throws IllegalArgumentException with every problem, when the text is not a valid expression
   */
  static MathExpression parse(String text, Set<String> ids) {
    MathExpressionParser.Result result = MathExpressionParser.parse(text, ids);
    if (!result.problems().isEmpty()) {
      StringBuilder message = new StringBuilder("not a valid metric-math expression:");
      for (MathExpressionParser.Problem problem : result.problems()) {
        message
            .append(" column ")
            .append(problem.offset() + 1)
            .append(": ")
            .append(problem.message())
            .append(';');
      }
      throw new IllegalArgumentException(message.substring(0, message.length() - 1));
    }
    return result.expression();
  }
}
