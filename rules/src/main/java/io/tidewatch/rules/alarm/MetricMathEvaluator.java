package io.tidewatch.rules.alarm;

import io.tidewatch.rules.MathExpression;
import io.tidewatch.rules.MetricMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates metric math over consecutive periods, with CloudWatch's documented semantics ("Using
 * metric math"): a number is a scalar; a metric id is a time series whose datapoint in a period is
 * the metric's statistic there, or none when the metric had no samples.
 *
 * <ul>
 *   <li>Arithmetic ({@code + - * /}), comparisons (1 for true, 0 for false) and {@code AND}/{@code
 *       OR} (non-zero is true): between two scalars a scalar; between a series and a scalar a
 *       datapoint where the series has one; between two series a datapoint where either has one,
 *       the missing side counting as 0 ("missing values in a time series are treated as 0").
 *       Division by zero drops the datapoint.
 *   <li>{@code ABS(x)}: the absolute value of each datapoint.
 *   <li>{@code SUM([a, b, ...])}, {@code AVG([...])}: per period over the items, a missing item
 *       counting as 0 (as CloudWatch documents for AVG); no datapoint where every item is missing.
 *       {@code MIN([...])}, {@code MAX([...])}: over the items that have a datapoint (a Tidewatch
 *       choice: CloudWatch does not document it, and zero-filling would make the MIN of a sparse
 *       metric 0).
 *   <li>{@code IF(c, t, f)}: no datapoint where {@code c} has none; where {@code c} is non-zero,
 *       {@code t} (0 when {@code t} is a series without a datapoint there); otherwise {@code f}, or
 *       no datapoint when {@code f} is omitted or has none.
 *   <li>{@code FILL(m, v)}: {@code m}, and where it has no datapoint, {@code v} (a scalar or
 *       another series' datapoint); {@code FILL(m, REPEAT)}: the most recent earlier datapoint of
 *       {@code m} among the given periods, none before the first.
 * </ul>
 *
 * A result that is NaN or infinite is no datapoint. Pure: the stream processor and {@code tidewatch
 * rules test} call the same method with the periods of an evaluation range.
 */
public final class MetricMathEvaluator {

  private MetricMathEvaluator() {}

  /**
   * The expression's datapoint in each period.
   *
   * @param periods oldest first, each the statistic value of every metric id in that period (absent
   *     or null when the metric had no samples); pass a whole evaluation range, since {@code
   *     FILL(m, REPEAT)} looks back only within it
   * @return one value per period, null where the expression has no datapoint
   * @throws IllegalArgumentException when the expression's result is a scalar, not a time series
   */
  public static List<Double> evaluate(
      MathExpression expression, List<Map<String, Double>> periods) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(periods, "periods");
    Value result = new MetricMathEvaluator.Run(periods).eval(expression);
    if (result.scalar()) {
      throw new IllegalArgumentException(
          "the expression " + expression + " is a scalar; an alarm needs a time series");
    }
    List<Double> values = new ArrayList<>(periods.size());
    for (Double value : result.points()) {
      values.add(value == null || !Double.isFinite(value) ? null : value);
    }
    return Collections.unmodifiableList(values);
  }

  /** As {@link #evaluate(MathExpression, List)} with the rule's parsed expression. */
  public static List<Double> evaluate(MetricMath math, List<Map<String, Double>> periods) {
    return evaluate(math.parsed(), periods);
  }

  /** A scalar, or a series with one datapoint (or null) per period. */
  private record Value(boolean scalar, double number, Double[] points) {
    static Value scalar(double number) {
      return new Value(true, number, null);
    }

    static Value series(Double[] points) {
      return new Value(false, 0, points);
    }

    Double at(int i) {
      return scalar ? Double.valueOf(number) : points[i];
    }
  }

  private static final class Run {
    private final List<Map<String, Double>> periods;
    private final int n;

    Run(List<Map<String, Double>> periods) {
      this.periods = periods;
      this.n = periods.size();
    }

    Value eval(MathExpression expression) {
      if (expression instanceof MathExpression.Num number) {
        return Value.scalar(number.value());
      } else if (expression instanceof MathExpression.Ref ref) {
        Double[] points = new Double[n];
        for (int i = 0; i < n; i++) {
          Double value = periods.get(i) == null ? null : periods.get(i).get(ref.id());
          points[i] = value == null || value.isNaN() ? null : value;
        }
        return Value.series(points);
      } else if (expression instanceof MathExpression.Neg neg) {
        return map(eval(neg.operand()), value -> -value);
      } else if (expression instanceof MathExpression.Binary binary) {
        return binary(binary.op(), eval(binary.left()), eval(binary.right()));
      } else if (expression instanceof MathExpression.Call call) {
        return call(call);
      }
      throw new IllegalArgumentException(
          expression + " is only allowed as a function argument (the parser checks this)");
    }

    private Value map(Value value, java.util.function.DoubleUnaryOperator f) {
      if (value.scalar()) {
        return Value.scalar(f.applyAsDouble(value.number()));
      }
      Double[] points = new Double[n];
      for (int i = 0; i < n; i++) {
        points[i] = value.points()[i] == null ? null : f.applyAsDouble(value.points()[i]);
      }
      return Value.series(points);
    }

    private Value binary(MathExpression.Op op, Value left, Value right) {
      if (left.scalar() && right.scalar()) {
        Double result = apply(op, left.number(), right.number());
        return result == null ? Value.scalar(Double.NaN) : Value.scalar(result);
      }
      Double[] points = new Double[n];
      for (int i = 0; i < n; i++) {
        Double a = left.at(i);
        Double b = right.at(i);
        if (a == null && b == null) {
          continue;
        }
        if (a == null || b == null) {
          boolean bothSeries = !left.scalar() && !right.scalar();
          if (!bothSeries) {
            continue; // a series without a datapoint against a scalar: no datapoint
          }
          a = a == null ? 0.0 : a;
          b = b == null ? 0.0 : b;
        }
        points[i] = apply(op, a, b);
      }
      return Value.series(points);
    }

    private static Double apply(MathExpression.Op op, double a, double b) {
      return switch (op) {
        case ADD -> a + b;
        case SUB -> a - b;
        case MUL -> a * b;
        case DIV -> b == 0 ? null : a / b;
        case EQ -> a == b ? 1.0 : 0.0;
        case NE -> a != b ? 1.0 : 0.0;
        case LT -> a < b ? 1.0 : 0.0;
        case LE -> a <= b ? 1.0 : 0.0;
        case GT -> a > b ? 1.0 : 0.0;
        case GE -> a >= b ? 1.0 : 0.0;
        case AND -> a != 0 && b != 0 ? 1.0 : 0.0;
        case OR -> a != 0 || b != 0 ? 1.0 : 0.0;
      };
    }

    private Value call(MathExpression.Call call) {
      List<MathExpression> arguments = call.arguments();
      switch (call.function()) {
        case ABS:
          return map(eval(arguments.get(0)), Math::abs);
        case MIN:
        case MAX:
        case AVG:
        case SUM:
          return aggregate(call.function(), (MathExpression.Array) arguments.get(0));
        case IF:
          return conditional(
              eval(arguments.get(0)),
              eval(arguments.get(1)),
              arguments.size() > 2 ? eval(arguments.get(2)) : null);
        default:
          return fill(eval(arguments.get(0)), arguments.get(1));
      }
    }

    private Value aggregate(MathExpression.Function function, MathExpression.Array array) {
      List<Value> items = array.items().stream().map(this::eval).toList();
      boolean allScalar = items.stream().allMatch(Value::scalar);
      Double[] points = new Double[n];
      int rows = allScalar ? 1 : n;
      for (int i = 0; i < rows; i++) {
        double[] present = new double[items.size()];
        int count = 0;
        for (Value item : items) {
          Double value = item.at(i);
          if (value != null) {
            present[count++] = value;
          }
        }
        if (count == 0) {
          continue;
        }
        double[] values = Arrays.copyOf(present, count);
        double sum = Arrays.stream(values).sum();
        points[i] =
            switch (function) {
              case MIN -> Arrays.stream(values).min().orElseThrow();
              case MAX -> Arrays.stream(values).max().orElseThrow();
              case SUM -> sum;
              default -> sum / items.size(); // AVG: a missing item counts as 0
            };
      }
      return allScalar
          ? Value.scalar(points[0] == null ? Double.NaN : points[0])
          : Value.series(points);
    }

    private Value conditional(Value condition, Value whenTrue, Value whenFalse) {
      Double[] points = new Double[n];
      for (int i = 0; i < n; i++) {
        Double c = condition.at(i);
        if (c == null) {
          continue;
        }
        if (c != 0) {
          Double value = whenTrue.at(i);
          points[i] = value == null ? 0.0 : value;
        } else {
          points[i] = whenFalse == null ? null : whenFalse.at(i);
        }
      }
      if (condition.scalar() && whenTrue.scalar() && (whenFalse == null || whenFalse.scalar())) {
        return n == 0 || points[0] == null ? Value.scalar(Double.NaN) : Value.scalar(points[0]);
      }
      return Value.series(points);
    }

    private Value fill(Value series, MathExpression filler) {
      if (series.scalar()) {
        return series;
      }
      Double[] points = series.points().clone();
      if (filler instanceof MathExpression.Repeat) {
        Double last = null;
        for (int i = 0; i < n; i++) {
          if (points[i] == null) {
            points[i] = last;
          } else {
            last = points[i];
          }
        }
        return Value.series(points);
      }
      Value value = eval(filler);
      for (int i = 0; i < n; i++) {
        if (points[i] == null) {
          points[i] = value.at(i);
        }
      }
      return Value.series(points);
    }
  }
}
