package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MathExpressionParserTest {

  private static final Set<String> IDS = Set.of("e", "r", "m1", "m_2");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "100 * e / r                      | ((100 * e) / r)",
        "e + r * 2 - 1                    | ((e + (r * 2)) - 1)",
        "-e / -2                          | (-e / -2)",
        "(e + r) * 2                      | ((e + r) * 2)",
        "IF(e > 5 AND r < 2 OR m1 == 0, e, 0) | IF((((e > 5) AND (r < 2)) OR (m1 == 0)), e, 0)",
        "FILL(m_2, REPEAT) + FILL(e, 0.5)   | (FILL(m_2, REPEAT) + FILL(e, 0.5))",
        "SUM([e, r]) / AVG([m1, m_2, 1e3])  | (SUM([e, r]) / AVG([m1, m_2, 1000]))",
        "ABS(e) + MIN([e, r]) + MAX([e])    | ((ABS(e) + MIN([e, r])) + MAX([e]))",
      })
  void shouldParseWithCloudWatchSyntaxWhenExpressionIsValid(String text, String canonical) {
    assertThat(MathExpression.parse(text, IDS)).hasToString(canonical);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | 0  | the expression is empty",
        "100 * x             | 6  | 'x' is not one of this alarm's metrics",
        "100 * rr            | 6  | 'rr' is not one of this alarm's metrics (did you mean 'r'?)",
        "abs(e)              | 0  | 'abs' is not a function (functions are written in upper case: ABS)",
        "STDDEV(e)           | 0  | unknown function 'STDDEV'",
        "MIN(e)              | 0  | MIN takes one array of time series, e.g. MIN([m1, m2])",
        "(e + r              | 6  | expected ')' to close the '(' at character 1",
        "e + * r             | 4  | expected a number, a metric id, a function or '(', found '*'",
        "e r                 | 2  | expected an operator or the end of the expression, found 'r'",
        "FILL(e, REPEAT, 1)  | 0  | FILL takes a time series and a value or REPEAT",
        "ABS(REPEAT)         | 4  | REPEAT is only allowed as the second argument of FILL",
        "ABS([e, r])         | 4  | an array is only allowed as the argument of MIN, MAX, AVG or SUM",
        "[e, r]              | 0  | an array [a, b, ...] is only allowed as the argument",
        "100 * 2             | 0  | the expression uses no metric",
        "IF(e)               | 0  | IF takes a condition",
        "e $ r               | 2  | expected an operator or the end of the expression, found '$'",
      })
  void shouldPointAtFirstProblemWhenExpressionIsInvalid(String text, int offset, String message) {
    MathExpressionParser.Result result = MathExpressionParser.parse(text, IDS);

    assertThat(result.expression()).isNull();
    assertThat(result.problems()).isNotEmpty();
    assertThat(result.problems().get(0).offset()).isEqualTo(offset);
    assertThat(result.problems().get(0).message()).startsWith(message);
  }
}
