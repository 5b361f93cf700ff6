package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.alarm.AlarmState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlarmExpressionParserTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ALARM(\"web-5xx-ratio\") AND NOT OK(\"db-up\") | (ALARM(\"web-5xx-ratio\") AND NOT OK(\"db-up\"))",
        "ALARM(a) OR ALARM(b) AND ALARM(c)             | (ALARM(\"a\") OR (ALARM(\"b\") AND ALARM(\"c\")))",
        "(ALARM(a) OR ALARM(b)) AND ALARM(c)           | ((ALARM(\"a\") OR ALARM(\"b\")) AND ALARM(\"c\"))",
        "NOT NOT TRUE OR FALSE                         | (NOT NOT TRUE OR FALSE)",
        "INSUFFICIENT_DATA(db.up_1)                    | INSUFFICIENT_DATA(\"db.up_1\")",
        "ALARM(web-cpu-high{host=a})                   | ALARM(\"web-cpu-high{host=a}\")",
        "  ALARM( \"x\" )  AND(OK(y))                  | (ALARM(\"x\") AND OK(\"y\"))",
      })
  void shouldParseWithCloudWatchPrecedenceWhenRuleIsValid(String rule, String canonical) {
    assertThat(AlarmExpression.parse(rule)).hasToString(canonical);
  }

  @Test
  void shouldBuildTreeAndListReferencesWhenParsing() {
    AlarmExpression rule = AlarmExpression.parse("ALARM(a) AND NOT OK(\"b\") OR ALARM(a)");

    assertThat(rule)
        .isEqualTo(
            new AlarmExpression.Or(
                new AlarmExpression.And(
                    new AlarmExpression.StateIs(AlarmState.ALARM, "a"),
                    new AlarmExpression.Not(new AlarmExpression.StateIs(AlarmState.OK, "b"))),
                new AlarmExpression.StateIs(AlarmState.ALARM, "a")));
    assertThat(rule.references()).containsExactly("a", "b");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                          | 0 | the rule is empty",
        "ALARM(\"x\") and OK(\"y\")  | 11 | expected AND, OR or the end of the rule, found 'and' (operators and functions are written in upper case: AND)",
        "(ALARM(x) OR OK(y)          | 18 | expected a ')' to close the '(' at character 1 of the rule, found the end of the rule",
        "ALARM(x))                   | 8 | unmatched ')'",
        "ALARM()                     | 6 | expected an alarm name in ALARM(...), found ')'",
        "ALARM(\"x)                  | 6 | this string has no closing '\"'",
        "ALARM x                     | 6 | expected '(' and an alarm name after ALARM, found 'x'",
        "alarm(x)                    | 0 | expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT or '(', found 'alarm' (operators and functions are written in upper case: ALARM)",
        "ALARM(x) AND                | 12 | expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT or '(', found the end of the rule",
        "ALARM(x) & OK(y)            | 9 | expected AND, OR or the end of the rule, found '&'",
      })
  void shouldReportFirstProblemWithOffsetWhenRuleIsInvalid(
      String rule, int offset, String message) {
    AlarmExpressionParser.Result result = AlarmExpressionParser.parse(rule);

    assertThat(result.expression()).isNull();
    assertThat(result.problems()).isNotEmpty();
    assertThat(result.problems().get(0).offset()).isEqualTo(offset);
    assertThat(result.problems().get(0).message()).startsWith(message);
  }

  @Test
  void shouldReportEveryOperandProblemWhenSeveralAreWrong() {
    AlarmExpressionParser.Result result = AlarmExpressionParser.parse("ALARM() OR OK(1 2) OR FOO");

    assertThat(result.problems())
        .extracting(AlarmExpressionParser.Problem::offset)
        .containsExactly(6, 16, 22);
  }

  @Test
  void shouldRefuseRuleWhenNestedOrLongBeyondLimits() {
    String deep = "(".repeat(100) + "TRUE" + ")".repeat(100);
    String nots = "NOT ".repeat(100) + "TRUE";
    String longRule = "TRUE OR ".repeat(2000) + "TRUE";

    assertThat(AlarmExpressionParser.parse(deep).problems().get(0).message()).contains("nested");
    assertThat(AlarmExpressionParser.parse(nots).problems().get(0).message()).contains("nested");
    assertThat(AlarmExpressionParser.parse(longRule).problems().get(0).message()).contains("10240");
    assertThatThrownBy(() -> AlarmExpression.parse("ALARM("))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid alarm rule: column 7: expected an alarm name");
  }
}
