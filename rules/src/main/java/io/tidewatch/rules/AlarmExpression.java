package io.tidewatch.rules;

import io.tidewatch.model.alarm.AlarmState;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A composite alarm's rule (RULES.md section 1), as CloudWatch's AlarmRule language: {@code
 * ALARM("x")}, {@code OK("x")}, {@code INSUFFICIENT_DATA("x")}, {@code TRUE}, {@code FALSE},
 * combined with {@code AND}, {@code OR}, {@code NOT} and parentheses. {@link #toString()} writes
 * the canonical text, fully parenthesized.
 */
public sealed interface AlarmExpression
    permits AlarmExpression.StateIs,
        AlarmExpression.Constant,
        AlarmExpression.And,
        AlarmExpression.Or,
        AlarmExpression.Not {

  /**
   * {@code ALARM("x")}, {@code OK("x")}, {@code INSUFFICIENT_DATA("x")}: true when the alarm is in
   * that state.
   *
   * @param alarm an alarm or composite alarm name, or one instance of an alarm with groupBy such as
   *     {@code web-cpu-high{host=a}}
   */
  record StateIs(AlarmState state, String alarm) implements AlarmExpression {
    public StateIs {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(alarm, "alarm");
    }

    @Override
    public String toString() {
      return state + "(\"" + alarm + "\")";
    }
  }

  /** {@code TRUE} or {@code FALSE}. */
  record Constant(boolean value) implements AlarmExpression {
    @Override
    public String toString() {
      return value ? "TRUE" : "FALSE";
    }
  }

  record And(AlarmExpression left, AlarmExpression right) implements AlarmExpression {
    public And {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public String toString() {
      return "(" + left + " AND " + right + ")";
    }
  }

  record Or(AlarmExpression left, AlarmExpression right) implements AlarmExpression {
    public Or {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public String toString() {
      return "(" + left + " OR " + right + ")";
    }
  }

  record Not(AlarmExpression operand) implements AlarmExpression {
    public Not {
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public String toString() {
      return "NOT " + operand;
    }
  }

  /** Every alarm (or instance) the expression names, in order of first mention. */
  default Set<String> references() {
    Set<String> names = new LinkedHashSet<>();
    collect(this, names);
    return names;
  }

  private static void collect(AlarmExpression expression, Set<String> names) {
    if (expression instanceof StateIs s) {
      names.add(s.alarm());
    } else if (expression instanceof And a) {
      collect(a.left(), names);
      collect(a.right(), names);
    } else if (expression instanceof Or o) {
      collect(o.left(), names);
      collect(o.right(), names);
    } else if (expression instanceof Not n) {
      collect(n.operand(), names);
    }
  }

  /**
   * Parses a rule written alone, e.g. in code or a test.
   *
   * @throws IllegalArgumentException with every problem, when the text is not a valid rule
   */
  static AlarmExpression parse(String text) {
    AlarmExpressionParser.Result result = AlarmExpressionParser.parse(text);
    if (!result.problems().isEmpty()) {
      StringBuilder message = new StringBuilder("not a valid alarm rule:");
      for (AlarmExpressionParser.Problem problem : result.problems()) {
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
