package io.tidewatch.rules.alarm;

import static io.tidewatch.model.alarm.AlarmState.ALARM;
import static io.tidewatch.model.alarm.AlarmState.INSUFFICIENT_DATA;
import static io.tidewatch.model.alarm.AlarmState.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmExpression;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompositeEvaluatorTest {

  private static final AlarmExpression WEB_DOWN =
      AlarmExpression.parse("ALARM(\"web-5xx-ratio\") AND NOT OK(\"db-up\")");

  @ParameterizedTest(name = "web-5xx-ratio={0}, db-up={1} -> {2}")
  @CsvSource({
    "ALARM, ALARM, ALARM",
    "ALARM, INSUFFICIENT_DATA, ALARM",
    "ALARM, OK, OK",
    "OK, ALARM, OK",
    "INSUFFICIENT_DATA, ALARM, OK",
  })
  void shouldBeAlarmExactlyWhenRuleIsTrue(AlarmState ratio, AlarmState db, AlarmState expected) {
    assertThat(CompositeEvaluator.evaluate(WEB_DOWN, Map.of("web-5xx-ratio", ratio, "db-up", db)))
        .isEqualTo(expected);
  }

  @Test
  void shouldNeverBeInsufficientDataAndTreatUnknownAlarmsAsNew() {
    AlarmExpression waiting = AlarmExpression.parse("INSUFFICIENT_DATA(x)");

    assertThat(CompositeEvaluator.evaluate(waiting, Map.of())).isEqualTo(ALARM);
    assertThat(CompositeEvaluator.evaluate(WEB_DOWN, Map.of())).isEqualTo(OK);
    assertThat(CompositeEvaluator.evaluate(AlarmExpression.parse("TRUE"), Map.of()))
        .isEqualTo(ALARM);
    assertThat(CompositeEvaluator.evaluate(AlarmExpression.parse("FALSE OR NOT TRUE"), Map.of()))
        .isEqualTo(OK);
  }

  @Test
  void shouldRollUpInstancesWhenCompositeNamesAnAlarmWithGroupBy() {
    assertThat(CompositeEvaluator.rollUp(List.of(OK, ALARM, INSUFFICIENT_DATA))).isEqualTo(ALARM);
    assertThat(CompositeEvaluator.rollUp(List.of(OK, OK))).isEqualTo(OK);
    assertThat(CompositeEvaluator.rollUp(List.of(OK, INSUFFICIENT_DATA)))
        .isEqualTo(INSUFFICIENT_DATA);
    assertThat(CompositeEvaluator.rollUp(List.of())).isEqualTo(INSUFFICIENT_DATA);
  }

  @Test
  void shouldExplainStateWhenAskedForReason() {
    assertThat(CompositeEvaluator.reason(WEB_DOWN, ALARM))
        .isEqualTo("Composite rule (ALARM(\"web-5xx-ratio\") AND NOT OK(\"db-up\")) is TRUE.");
  }
}
