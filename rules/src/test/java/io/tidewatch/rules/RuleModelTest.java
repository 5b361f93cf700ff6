package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.alarm.AlarmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleModelTest {

  @Test
  void shouldMatchSeriesWhenItsDimensionsIncludeTheSelectedOnes() {
    MetricSelector selector = new MetricSelector("Host", "cpu", Map.of("service", "web"));

    assertThat(selector.matches("Host", "cpu", Map.of("service", "web", "host", "a"))).isTrue();
    assertThat(selector.matches("Host", "cpu", Map.of("service", "web"))).isTrue();
    assertThat(selector.matches("Host", "cpu", Map.of("service", "db", "host", "a"))).isFalse();
    assertThat(selector.matches("Host", "cpu", Map.of("host", "a"))).isFalse();
    assertThat(selector.matches("Host", "mem", Map.of("service", "web"))).isFalse();
    assertThat(selector.matches("Web", "cpu", Map.of("service", "web"))).isFalse();
    assertThat(MetricSelector.of("Host", "cpu").matches("Host", "cpu", Map.of())).isTrue();
  }

  @Test
  void shouldCopyCollectionsWhenConstructed() {
    Map<String, String> dimensions = new HashMap<>(Map.of("b", "2", "a", "1"));
    List<String> alarm = new ArrayList<>(List.of("ops"));
    MetricSelector selector = new MetricSelector("Host", "cpu", dimensions);
    AlarmActions actions = new AlarmActions(alarm, null, null);
    dimensions.put("c", "3");
    alarm.add("pager");

    assertThat(selector.dimensions()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(actions.alarm()).containsExactly("ops");
    assertThatThrownBy(() -> selector.dimensions().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldReturnActionsOfStateWhenAskedForState() {
    AlarmActions actions = new AlarmActions(List.of("a", "b"), List.of("a"), List.of("c"));

    assertThat(actions.forState(AlarmState.ALARM)).containsExactly("a", "b");
    assertThat(actions.forState(AlarmState.OK)).containsExactly("a");
    assertThat(actions.forState(AlarmState.INSUFFICIENT_DATA)).containsExactly("c");
    assertThat(actions.all()).containsExactly("a", "b", "c");
    assertThat(AlarmActions.none().forState(AlarmState.ALARM)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "GreaterThanOrEqualToThreshold, 70, true, greater than or equal to",
    "GreaterThanOrEqualToThreshold, 69.9, false, greater than or equal to",
    "GreaterThanThreshold, 70, false, greater than",
    "GreaterThanThreshold, 70.1, true, greater than",
    "LessThanThreshold, 70, false, less than",
    "LessThanThreshold, 69.9, true, less than",
    "LessThanOrEqualToThreshold, 70, true, less than or equal to",
    "LessThanOrEqualToThreshold, 70.1, false, less than or equal to"
  })
  void shouldCompareWithThresholdWhenOperatorIsApplied(
      ComparisonOperator operator, double value, boolean breaches, String phrase) {
    assertThat(operator.breaches(value, 70)).isEqualTo(breaches);
    assertThat(operator.breaches(Double.NaN, 70)).isFalse();
    assertThat(operator.phrase()).isEqualTo(phrase);
  }

  @Test
  void shouldApplyLoaderDefaultsWhenBuiltWithOf() {
    AlarmRule rule =
        AlarmRule.of(
            "cpu",
            MetricSelector.of("Host", "cpu"),
            Statistic.AVERAGE,
            Duration.ofMinutes(1),
            3,
            2,
            ComparisonOperator.GreaterThanThreshold,
            70,
            null);

    assertThat(rule.evaluationRange()).isEqualTo(5);
    assertThat(rule.treatMissingData()).isEqualTo(TreatMissingData.missing);
    assertThat(rule.allowedLateness()).isZero();
    assertThat(rule.description()).isEmpty();
    assertThat(rule.labels()).isEmpty();
  }

  @Test
  void shouldRejectInconsistentRuleWhenBuiltInCode() {
    MetricSelector metric = MetricSelector.of("Host", "cpu");
    Duration minute = Duration.ofMinutes(1);
    ComparisonOperator gt = ComparisonOperator.GreaterThanThreshold;

    assertThatThrownBy(() -> AlarmRule.of("x", metric, Statistic.SUM, minute, 3, 4, gt, 1, null))
        .hasMessageContaining("datapointsToAlarm");
    assertThatThrownBy(() -> AlarmRule.of("x", metric, Statistic.SUM, minute, 0, 0, gt, 1, null))
        .hasMessageContaining("evaluationPeriods");
    assertThatThrownBy(
            () -> AlarmRule.of("x", metric, Statistic.SUM, Duration.ZERO, 1, 1, gt, 1, null))
        .hasMessageContaining("period");
    assertThatThrownBy(
            () -> AlarmRule.of("x", metric, Statistic.SUM, minute, 1, 1, gt, Double.NaN, null))
        .hasMessageContaining("threshold");
  }

  @Test
  void shouldRejectOutOfRangeTimesWhenBuiltInCode() {
    MetricSelector metric = MetricSelector.of("Host", "cpu");
    ComparisonOperator gt = ComparisonOperator.GreaterThanThreshold;

    assertThatThrownBy(
            () ->
                AlarmRule.of(
                    "x",
                    metric,
                    Statistic.SUM,
                    Duration.ofDays(999_999_999_999L),
                    1,
                    1,
                    gt,
                    1,
                    null))
        .hasMessageContaining("'period' is out of range");
    assertThatThrownBy(
            () ->
                AlarmRule.of("x", metric, Statistic.SUM, Duration.ofHours(1), 169, 1, gt, 1, null))
        .hasMessageContaining("'evaluationPeriods' is out of range");
    assertThatThrownBy(
            () ->
                AlarmRule.of(
                    "x", metric, Statistic.SUM, Duration.ofMinutes(1), 1441, 1, gt, 1, null))
        .hasMessageContaining("for a period under 1h");
    assertThat(AlarmRule.of("x", metric, Statistic.SUM, Duration.ofDays(1), 7, 1, gt, 1, null))
        .extracting(AlarmRule::evaluationRange)
        .isEqualTo(9);
    assertThatThrownBy(
            () ->
                AlarmRule.of(
                    "x".repeat(256),
                    metric,
                    Statistic.SUM,
                    Duration.ofMinutes(1),
                    1,
                    1,
                    gt,
                    1,
                    null))
        .hasMessageContaining("at most 255");
  }
}
