package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmActions;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.AnomalyBand;
import io.tidewatch.rules.ComparisonOperator;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.TreatMissingData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyModelTest {

  private static final AnomalyBand WIDTH_2 = new AnomalyBand(2);

  @Test
  void shouldLearnExponentiallyWeightedMeanAndVarianceWhenFedInOrder() {
    double[] values = {10, 12, 9, 11, 30, 10, 10, 11, 9, 10, 12};
    AnomalyModel model = AnomalyModel.empty();
    double mean = values[0];
    double variance = 0;
    for (int i = 0; i < values.length; i++) {
      model = model.learn(values[i]);
      if (i > 0) { // the definition, written out: weights (1-α)^k on older datapoints
        double diff = values[i] - mean;
        mean += AnomalyModel.SMOOTHING * diff;
        variance = (1 - AnomalyModel.SMOOTHING) * (variance + AnomalyModel.SMOOTHING * diff * diff);
      }
    }

    assertThat(model.count()).isEqualTo(values.length);
    assertThat(model.mean()).isCloseTo(mean, within(1e-12));
    assertThat(model.variance()).isCloseTo(variance, within(1e-12));
    assertThat(model.band(WIDTH_2).orElseThrow().upper())
        .isCloseTo(mean + 2 * Math.sqrt(variance), within(1e-9));
  }

  @Test
  void shouldGiveNoBandUntilWarmedUpAndIgnoreNonFiniteValues() {
    AnomalyModel model = AnomalyModel.empty();
    for (int i = 0; i < AnomalyModel.WARM_UP - 1; i++) {
      model = model.learn(100);
    }

    assertThat(model.band(WIDTH_2)).isEmpty();
    assertThat(model.learn(Double.NaN)).isEqualTo(model);
    assertThat(model.learn(Double.POSITIVE_INFINITY)).isEqualTo(model);
    assertThat(model.learn(100).band(WIDTH_2)).contains(new AnomalyModel.Band(100, 100));
  }

  @Test
  void shouldFollowLevelShiftWhenNewLevelPersists() {
    Random random = new Random(3);
    AnomalyModel model = AnomalyModel.empty();
    for (int i = 0; i < 200; i++) {
      model = model.learn(100 + random.nextGaussian() * 5);
    }
    AnomalyModel.Band before = model.band(WIDTH_2).orElseThrow();
    for (int i = 0; i < 80; i++) {
      model = model.learn(200 + random.nextGaussian() * 5);
    }
    AnomalyModel.Band after = model.band(WIDTH_2).orElseThrow();

    assertThat(before.lower()).isBetween(80.0, 100.0);
    assertThat(before.upper()).isBetween(100.0, 120.0);
    assertThat(after.lower()).isLessThan(200).isGreaterThan(170);
    assertThat(after.upper()).isGreaterThan(200).isLessThan(230);
  }

  @Test
  void shouldRoundTripThroughPlainObjectMapperForStateStores() throws Exception {
    ObjectMapper json = new ObjectMapper();
    AnomalyModel model = AnomalyModel.empty().learn(3).learn(5);

    assertThat(json.readValue(json.writeValueAsString(model), AnomalyModel.class)).isEqualTo(model);
  }

  @Test
  void shouldCompareEachDatapointWithItsBandWhenAlarmHasAnomalyBand() {
    Instant start = Instant.parse("2026-11-22T04:00:00Z");
    AnomalyModel.Band band = new AnomalyModel.Band(80, 120);
    List<PeriodDatapoint> range = new ArrayList<>();
    double[] values = {100, 70, 130};
    for (int i = 0; i < values.length; i++) {
      range.add(new PeriodDatapoint(start.plus(Duration.ofMinutes(i)), values[i], band));
    }

    assertThat(state(ComparisonOperator.GreaterThanUpperThreshold, range, 1))
        .isEqualTo(AlarmState.ALARM);
    assertThat(state(ComparisonOperator.LessThanLowerThreshold, range.subList(0, 2), 1))
        .isEqualTo(AlarmState.ALARM);
    assertThat(state(ComparisonOperator.LessThanLowerThreshold, range, 1)).isEqualTo(AlarmState.OK);
    assertThat(state(ComparisonOperator.GreaterThanUpperThreshold, range.subList(0, 1), 1))
        .isEqualTo(AlarmState.OK);
    assertThat(state(ComparisonOperator.LessThanLowerOrGreaterThanUpperThreshold, range, 2))
        .isEqualTo(AlarmState.ALARM);
    List<PeriodDatapoint> unlearned =
        List.of(
            new PeriodDatapoint(start, 500.0), new PeriodDatapoint(start.plusSeconds(60), 500.0));
    assertThat(state(ComparisonOperator.GreaterThanUpperThreshold, unlearned, 1))
        .as("no band yet: the datapoints count as missing")
        .isEqualTo(AlarmState.INSUFFICIENT_DATA);
  }

  @Test
  void shouldSayBandInReasonWhenAlarmHasAnomalyBand() {
    Instant start = Instant.parse("2026-11-22T04:00:00Z");
    List<PeriodDatapoint> range =
        List.of(new PeriodDatapoint(start, 130.0, new AnomalyModel.Band(80, 120)));

    Evaluation evaluation =
        AlarmEvaluator.evaluate(
            rule(ComparisonOperator.GreaterThanUpperThreshold, 1), range, AlarmState.OK, start);

    assertThat(evaluation.reason())
        .contains("greater than the upper threshold of the anomaly band (width 2.0)");
    assertThat(evaluation.reasonDataJson())
        .contains("\"anomalyBandWidth\":2.0")
        .contains("\"lowerBound\":80.0,\"upperBound\":120.0")
        .doesNotContain("\"threshold\"");
  }

  private static AlarmState state(
      ComparisonOperator comparison, List<PeriodDatapoint> range, int evaluationPeriods) {
    return AlarmEvaluator.evaluate(
            rule(comparison, evaluationPeriods), range, AlarmState.INSUFFICIENT_DATA, Instant.EPOCH)
        .state();
  }

  private static AlarmRule rule(ComparisonOperator comparison, int evaluationPeriods) {
    return new AlarmRule(
        "latency-anomaly",
        "",
        MetricSelector.of("Web", "latency"),
        List.of(),
        Statistic.AVERAGE,
        Duration.ofMinutes(1),
        evaluationPeriods,
        evaluationPeriods,
        evaluationPeriods + 2,
        comparison,
        0,
        TreatMissingData.missing,
        Duration.ZERO,
        AlarmActions.none(),
        Map.of(),
        null,
        null,
        WIDTH_2);
  }
}
