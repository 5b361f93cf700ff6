package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.rules.Statistic;
import org.junit.jupiter.api.Test;

class AggregateTest {

  private static final Aggregate SAMPLES = Aggregate.of(4).add(10).add(1).add(5);

  @Test
  void shouldComputeEveryExactStatisticWhenSamplesWereAdded() {
    assertThat(SAMPLES.value(Statistic.AVERAGE)).hasValue(5.0);
    assertThat(SAMPLES.value(Statistic.SUM)).hasValue(20.0);
    assertThat(SAMPLES.value(Statistic.MINIMUM)).hasValue(1.0);
    assertThat(SAMPLES.value(Statistic.MAXIMUM)).hasValue(10.0);
    assertThat(SAMPLES.value(Statistic.SAMPLE_COUNT)).hasValue(4.0);
  }

  @Test
  void shouldEqualOneAggregateWhenPartsAreMerged() {
    Aggregate left = Aggregate.of(4).add(10);
    Aggregate right = Aggregate.of(1).add(5);

    assertThat(left.merge(right)).isEqualTo(SAMPLES);
    assertThat(right.merge(left)).isEqualTo(new Aggregate(4, 20, 1, 10));
    assertThat(Aggregate.empty().merge(left)).isEqualTo(left);
    assertThat(left.merge(Aggregate.empty())).isEqualTo(left);
  }

  @Test
  void shouldHaveNoValueWhenThereAreNoSamples() {
    for (Statistic statistic :
        new Statistic[] {
          Statistic.AVERAGE,
          Statistic.SUM,
          Statistic.MINIMUM,
          Statistic.MAXIMUM,
          Statistic.SAMPLE_COUNT
        }) {
      assertThat(Aggregate.empty().value(statistic)).as(statistic.label()).isEmpty();
    }
  }

  @Test
  void shouldIgnoreSampleWhenItIsNaN() {
    assertThat(Aggregate.of(Double.NaN)).isEqualTo(Aggregate.empty());
    assertThat(SAMPLES.add(Double.NaN)).isEqualTo(SAMPLES);
  }

  @Test
  void shouldHaveNoPercentileWhenOnlyExactStatisticsAreKept() {
    assertThat(SAMPLES.value(new Statistic.Percentile(99))).isEmpty();
  }

  @Test
  void shouldKeepNegativeValuesWhenComputingMinimumAndMaximum() {
    Aggregate negative = Aggregate.of(-3).add(-7);

    assertThat(negative.value(Statistic.MINIMUM)).hasValue(-7.0);
    assertThat(negative.value(Statistic.MAXIMUM)).hasValue(-3.0);
    assertThat(negative.value(Statistic.AVERAGE)).hasValue(-5.0);
  }
}
