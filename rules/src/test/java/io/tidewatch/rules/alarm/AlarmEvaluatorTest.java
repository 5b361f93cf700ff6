package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.ComparisonOperator;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.TreatMissingData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlarmEvaluatorTest {

  private static final Instant START = Instant.parse("2026-11-22T03:59:00Z");
  private static final Instant NOW = Instant.parse("2026-11-22T04:06:30Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AlarmRule rule(int n, int m, TreatMissingData treatment) {
    return rule(n, m, treatment, Statistic.AVERAGE, ComparisonOperator.GreaterThanThreshold);
  }

  private static AlarmRule rule(
      int n, int m, TreatMissingData treatment, Statistic statistic, ComparisonOperator operator) {
    return AlarmRule.of(
        "web-cpu-high",
        MetricSelector.of("Host", "cpu_utilization"),
        statistic,
        Duration.ofMinutes(1),
        n,
        m,
        operator,
        70,
        treatment);
  }

  /** One datapoint a minute from 03:59 UTC, oldest first; null is a missing period. */
  private static List<PeriodDatapoint> range(Double... values) {
    List<PeriodDatapoint> range = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      range.add(new PeriodDatapoint(START.plus(Duration.ofMinutes(i)), values[i]));
    }
    return range;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "80 80 80 10 10, ALARM",
    "80 10 80 10 80, ALARM",
    "10 80 10 80 10, OK",
    "10 10 10 10 10, OK",
    "80 80 80 80 80, ALARM",
    "80 80 10 10 70, OK"
  })
  void shouldAlarmWhenAtLeastMOfTheLastNDatapointsBreach(String values, AlarmState expected) {
    Double[] datapoints =
        Arrays.stream(("10 10 " + values).split(" ")).map(Double::valueOf).toArray(Double[]::new);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(
            rule(5, 3, TreatMissingData.missing), range(datapoints), AlarmState.OK, NOW);

    assertThat(evaluation.state()).isEqualTo(expected);
    assertThat(evaluation.changed()).isEqualTo(expected != AlarmState.OK);
  }

  @Test
  void shouldDecideOnNewestRealDatapointsWhenReachingBackPastGaps() {
    List<PeriodDatapoint> range = range(80.0, 80.0, null, 80.0, null);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(
            rule(3, 3, TreatMissingData.notBreaching), range, AlarmState.OK, NOW);

    assertThat(evaluation.state()).isEqualTo(AlarmState.ALARM);
    assertThat(evaluation.evaluated())
        .extracting(PeriodDatapoint::periodStart)
        .containsExactly(
            Instant.parse("2026-11-22T04:02:00Z"),
            Instant.parse("2026-11-22T04:00:00Z"),
            Instant.parse("2026-11-22T03:59:00Z"));
  }

  @Test
  void shouldWriteCloudWatchReasonWhenThresholdIsCrossed() {
    List<PeriodDatapoint> range = range(10.0, 20.0, 60.0, 75.5, 65.0, 88.0, 91.2);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule(5, 3, TreatMissingData.missing), range, AlarmState.OK, NOW);

    assertThat(evaluation.state()).isEqualTo(AlarmState.ALARM);
    assertThat(evaluation.reason())
        .isEqualTo(
            "Threshold Crossed: 3 out of the last 5 datapoints [91.2 (22/11/26 04:05:00), 88.0"
                + " (22/11/26 04:04:00), 75.5 (22/11/26 04:02:00)] were greater than the threshold"
                + " (70.0) (minimum 3 datapoints for OK -> ALARM transition).");
  }

  @Test
  void shouldListRecentDatapointsWhenNoneBreach() {
    List<PeriodDatapoint> range = range(10.0, 20.0, 60.0, 55.5, 65.0, 68.0, 61.2);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule(3, 2, TreatMissingData.missing), range, AlarmState.ALARM, NOW);

    assertThat(evaluation.state()).isEqualTo(AlarmState.OK);
    assertThat(evaluation.reason())
        .isEqualTo(
            "Threshold Crossed: no datapoints were greater than the threshold (70.0). The most"
                + " recent datapoints which were not greater than the threshold: [61.2 (22/11/26"
                + " 04:05:00), 68.0 (22/11/26 04:04:00), 65.0 (22/11/26 04:03:00)].");
  }

  @Test
  void shouldCountNonBreachingDatapointsWhenReturningToOk() {
    List<PeriodDatapoint> range = range(null, null, 80.0, 10.0, 90.0, 20.0, 30.0);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule(5, 3, TreatMissingData.missing), range, AlarmState.ALARM, NOW);

    assertThat(evaluation.state()).isEqualTo(AlarmState.OK);
    assertThat(evaluation.reason())
        .isEqualTo(
            "Threshold Crossed: 3 out of the last 5 datapoints [30.0 (22/11/26 04:05:00), 20.0"
                + " (22/11/26 04:04:00), 10.0 (22/11/26 04:02:00)] were not greater than the"
                + " threshold (70.0) (minimum 3 datapoints for ALARM -> OK transition).");
  }

  @Test
  void shouldReportUnknownDatapointsWhenNoDataArrived() {
    Double[] none = new Double[7];

    Evaluation missing =
        AlarmEvaluator.evaluate(
            rule(5, 3, TreatMissingData.missing), range(none), AlarmState.OK, NOW);
    Evaluation breaching =
        AlarmEvaluator.evaluate(
            rule(5, 3, TreatMissingData.breaching), range(none), AlarmState.OK, NOW);
    Evaluation ignored =
        AlarmEvaluator.evaluate(
            rule(5, 3, TreatMissingData.ignore), range(none), AlarmState.ALARM, NOW);

    assertThat(missing.state()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
    assertThat(missing.reason()).isEqualTo("Insufficient Data: 7 datapoints were unknown.");
    assertThat(breaching.state()).isEqualTo(AlarmState.ALARM);
    assertThat(breaching.reason())
        .isEqualTo(
            "Threshold Crossed: no datapoints were received for 7 periods and 5 missing"
                + " datapoints were treated as [Breaching].");
    assertThat(ignored.state()).isEqualTo(AlarmState.ALARM);
    assertThat(ignored.changed()).isFalse();
  }

  @Test
  void shouldMentionFilledDatapointsWhenMissingDataIsTreatedAsBreaching() {
    List<PeriodDatapoint> range = range(null, null, null, null, null, 10.0, 80.0);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(
            rule(5, 4, TreatMissingData.breaching), range, AlarmState.INSUFFICIENT_DATA, NOW);

    assertThat(evaluation.state()).isEqualTo(AlarmState.ALARM);
    assertThat(evaluation.reason())
        .isEqualTo(
            "Threshold Crossed: 4 out of the last 5 datapoints [80.0 (22/11/26 04:05:00)] were"
                + " greater than the threshold (70.0), with 3 missing datapoints treated as"
                + " [Breaching] (minimum 4 datapoints for INSUFFICIENT_DATA -> ALARM transition).");
    assertThat(evaluation.evaluated()).hasSize(7);
  }

  @Test
  void shouldKeepCurrentStateWhenOnlyYoungBreachingDatapointsExist() {
    List<PeriodDatapoint> range = range(null, null, null, 80.0, null);
    AlarmRule rule =
        AlarmRule.of(
            "young",
            MetricSelector.of("Host", "cpu"),
            Statistic.AVERAGE,
            Duration.ofMinutes(1),
            3,
            3,
            ComparisonOperator.GreaterThanThreshold,
            70,
            TreatMissingData.missing);

    for (AlarmState current : AlarmState.values()) {
      Evaluation evaluation = AlarmEvaluator.evaluate(rule, range, current, NOW);
      assertThat(evaluation.state()).isEqualTo(current);
      assertThat(evaluation.changed()).isFalse();
      assertThat(evaluation.reason())
          .isEqualTo(
              "No change: 1 out of the last 1 datapoints [80.0 (22/11/26 04:02:00)] was greater"
                  + " than the threshold (70.0), with 4 missing datapoints treated as [Missing];"
                  + " the oldest breaching datapoint is only 2 periods old, fewer than the 3"
                  + " needed to decide, so the alarm stays in "
                  + current
                  + ".");
    }
  }

  @Test
  void shouldTreatNaNAsMissingWhenEvaluating() {
    List<PeriodDatapoint> withNaN = range(Double.NaN, Double.NaN, 80.0, Double.NaN, Double.NaN);
    List<PeriodDatapoint> withNull = range(null, null, 80.0, null, null);
    AlarmRule rule = rule(3, 3, TreatMissingData.missing);

    Evaluation nan = AlarmEvaluator.evaluate(rule, withNaN, AlarmState.OK, NOW);
    Evaluation missing = AlarmEvaluator.evaluate(rule, withNull, AlarmState.OK, NOW);

    assertThat(nan.state()).isEqualTo(AlarmState.ALARM).isEqualTo(missing.state());
    assertThat(nan.reason()).isEqualTo(missing.reason());
    assertThat(
            AlarmEvaluator.evaluate(
                    rule(1, 1, TreatMissingData.missing),
                    range(Double.NaN, Double.NaN, Double.NaN),
                    AlarmState.OK,
                    NOW)
                .state())
        .isEqualTo(AlarmState.INSUFFICIENT_DATA);
  }

  @Test
  void shouldCompareWithEachOperatorWhenDeciding() {
    List<PeriodDatapoint> atThreshold = range(70.0, 70.0, 70.0);
    for (ComparisonOperator operator : ComparisonOperator.values()) {
      if (operator.isBand()) {
        continue; // compared with a band, tested with anomaly bands
      }
      AlarmRule rule = rule(1, 1, TreatMissingData.missing, Statistic.SUM, operator);
      AlarmState expected =
          operator.name().contains("OrEqualTo") ? AlarmState.ALARM : AlarmState.OK;

      assertThat(AlarmEvaluator.evaluate(rule, atThreshold, AlarmState.OK, NOW).state())
          .as(operator.name())
          .isEqualTo(expected);
    }
  }

  @Test
  void shouldWriteCloudWatchReasonDataWhenEvaluating() throws Exception {
    List<PeriodDatapoint> range = range(10.0, null, 75.5, 65.0, 88.0);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule(3, 2, TreatMissingData.missing), range, AlarmState.OK, NOW);
    JsonNode data = JSON.readTree(evaluation.reasonDataJson());

    assertThat(data)
        .isEqualTo(
            JSON.readTree(
                """
                {"version":"1.0","queryDate":"2026-11-22T04:06:30.000+0000",
                 "startDate":"2026-11-22T03:59:00.000+0000","statistic":"Average","period":60,
                 "recentDatapoints":[10.0,75.5,65.0,88.0],"threshold":70.0,
                 "evaluatedDatapoints":[
                   {"timestamp":"2026-11-22T04:03:00.000+0000","value":88.0},
                   {"timestamp":"2026-11-22T04:02:00.000+0000","value":65.0},
                   {"timestamp":"2026-11-22T04:01:00.000+0000","value":75.5}]}
                """));
  }

  @Test
  void shouldListMissingPeriodsAndPercentileWhenDataIsInsufficient() throws Exception {
    AlarmRule rule =
        rule(
            1,
            1,
            TreatMissingData.missing,
            new Statistic.Percentile(99.9),
            ComparisonOperator.GreaterThanThreshold);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule, range(null, null, null), AlarmState.OK, NOW);
    JsonNode data = JSON.readTree(evaluation.reasonDataJson());

    assertThat(data.get("extendedStatistic").asText()).isEqualTo("p99.9");
    assertThat(data.has("statistic")).isFalse();
    assertThat(data.get("recentDatapoints")).isEmpty();
    assertThat(data.get("evaluatedDatapoints").toString())
        .isEqualTo(
            "[{\"timestamp\":\"2026-11-22T04:01:00.000+0000\"},"
                + "{\"timestamp\":\"2026-11-22T04:00:00.000+0000\"},"
                + "{\"timestamp\":\"2026-11-22T03:59:00.000+0000\"}]");
  }

  @Test
  void shouldUseOnlyTheNewestRangeWhenGivenMorePeriods() {
    List<PeriodDatapoint> range = range(80.0, 80.0, 80.0, null, null, null, null, null);

    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule(3, 3, TreatMissingData.missing), range, AlarmState.OK, NOW);

    assertThat(evaluation.state()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
    assertThat(evaluation.evaluated()).hasSize(5);
  }

  @Test
  void shouldRejectRangeWhenNotOrderedOldestFirst() {
    List<PeriodDatapoint> range = new ArrayList<>(range(1.0, 2.0, 3.0));
    java.util.Collections.reverse(range);

    assertThatThrownBy(
            () ->
                AlarmEvaluator.evaluate(
                    rule(1, 1, TreatMissingData.missing), range, AlarmState.OK, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oldest to newest");
  }
}
