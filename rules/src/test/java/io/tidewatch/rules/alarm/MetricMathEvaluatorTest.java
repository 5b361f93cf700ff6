package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.rules.MathExpression;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Metric math per period. The first tests are the examples of CloudWatch's "Using metric math"
 * page, value for value ({@code -} is no datapoint).
 */
class MetricMathEvaluatorTest {

  private static final Set<String> IDS = Set.of("metric1", "metric2", "metric3", "e", "r");

  /** Columns by id, e.g. {@code metric1=1 1 0 0 -}. */
  private static List<Map<String, Double>> periods(String... columns) {
    List<Map<String, Double>> periods = new ArrayList<>();
    for (String column : columns) {
      String[] parts = column.split("=");
      String[] values = parts[1].strip().split("\\s+");
      for (int i = 0; i < values.length; i++) {
        if (periods.size() <= i) {
          periods.add(new HashMap<>());
        }
        periods
            .get(i)
            .put(parts[0].strip(), values[i].equals("-") ? null : Double.valueOf(values[i]));
      }
    }
    return periods;
  }

  private static List<Double> expected(String values) {
    return Arrays.stream(values.strip().split("\\s+"))
        .map(value -> value.equals("-") ? null : Double.valueOf(value))
        .toList();
  }

  private static List<Double> evaluate(String expression, List<Map<String, Double>> periods) {
    return MetricMathEvaluator.evaluate(MathExpression.parse(expression, IDS), periods);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "metric1 < metric2                   | 0 0 1 0",
        "metric1 >= 30                       | 1 0 0 0",
        "metric1 > 15 AND metric2 > 15       | 1 0 0 0",
        "metric1 > 15 && metric2 > 15        | 1 0 0 0",
      })
  void shouldMatchCloudWatchComparisonExamples(String expression, String result) {
    List<Map<String, Double>> periods = periods("metric1=30 20 0 0", "metric2=20 - 20 -");

    assertThat(evaluate(expression, periods)).isEqualTo(expected(result));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "IF(metric1, metric2, metric3) | 30 0 20 - -",
        "IF(metric1, 5, metric3)       | 5 5 20 - -",
        "IF(metric1, metric2, 5)       | 30 0 5 5 -",
        "IF(metric1, metric2)          | 30 0 - - -",
      })
  void shouldMatchCloudWatchIfExamples(String expression, String result) {
    List<Map<String, Double>> periods =
        periods("metric1=1 1 0 0 -", "metric2=30 - 0 0 30", "metric3=0 0 20 - 20");

    assertThat(evaluate(expression, periods)).isEqualTo(expected(result));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "100 * e / r          | 10 0 - 50 -",
        "e + r                | 11 100 5 15 -",
        "e - 1                | 0 - 4 4 -",
        "-e                   | -1 - -5 -5 -",
        "ABS(r - 50)          | 40 50 50 40 -",
        "SUM([e, r])          | 11 100 5 15 -",
        "AVG([e, r])          | 5.5 50 2.5 7.5 -",
        "MIN([e, r])          | 1 100 0 5 -",
        "MAX([e, r, 20])      | 20 100 20 20 20",
        "FILL(e, 0)           | 1 0 5 5 0",
        "FILL(e, REPEAT)      | 1 1 5 5 5",
        "FILL(e, r)           | 1 100 5 5 -",
        "e / (r - r)          | - - - - -",
        "IF(e > 2, e, 0) * 2  | 0 - 10 10 -",
      })
  void shouldComputeEachPeriodWhenExpressionUsesArithmeticAndFunctions(
      String expression, String result) {
    List<Map<String, Double>> periods = periods("e=1 - 5 5 -", "r=10 100 0 10 -");

    assertThat(evaluate(expression, periods)).isEqualTo(expected(result));
  }

  @Test
  void shouldRefuseScalarResultWhenExpressionUsesNoSeries() {
    MathExpression scalar = new MathExpression.Num(5);

    assertThatThrownBy(() -> MetricMathEvaluator.evaluate(scalar, periods("e=1 2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scalar");
  }

  @Test
  void shouldDropNonFiniteResultsWhenValuesOverflow() {
    assertThat(evaluate("e * 1e308 * 10", periods("e=1 -"))).containsExactly(null, null);
  }
}
