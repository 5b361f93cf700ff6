package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.metric.Distribution;
import io.tidewatch.rules.Statistic;
import java.util.Base64;
import org.assertj.core.data.Percentage;
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

  /** A distribution point as the OTLP receiver writes it: exact statistics and a sketch. */
  private static Distribution distribution(double... samples) {
    PercentileSketch sketch = PercentileSketch.empty();
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double sample : samples) {
      sketch = sketch.add(sample);
      sum += sample;
      min = Math.min(min, sample);
      max = Math.max(max, sample);
    }
    return new Distribution(
        samples.length, sum, min, max, Base64.getDecoder().decode(sketch.toBase64()));
  }

  private static double[] latencies(int count, double slowFrom, double fast, double slow) {
    double[] samples = new double[count];
    for (int i = 0; i < count; i++) {
      samples[i] = i < slowFrom ? fast : slow;
    }
    return samples;
  }

  @Test
  void shouldAnswerP99FromTheSketchWhenADistributionIsAggregatedForAPercentile() {
    Statistic p99 = Statistic.parse("p99");
    // 1000 requests: 980 at 20 ms, 20 at 900 ms -> p99 is 900 ms, the average 37.6 ms
    Aggregate aggregate = Aggregate.of(distribution(latencies(1000, 980, 20, 900)), p99);

    assertThat(aggregate.count()).isEqualTo(1000);
    assertThat(aggregate.value(Statistic.AVERAGE)).hasValue(37.6);
    assertThat(aggregate.value(p99).getAsDouble()).isCloseTo(900.0, Percentage.withPercentage(1));
    assertThat(aggregate.value(Statistic.parse("p50")).getAsDouble())
        .isCloseTo(20.0, Percentage.withPercentage(1));
  }

  @Test
  void shouldMergeDistributionsAndPlainSamplesIntoOnePeriodWhenTheyMeet() {
    Statistic p99 = Statistic.parse("p99");
    Aggregate fromHostA = Aggregate.of(distribution(latencies(500, 500, 20, 20)), p99);
    Aggregate fromHostB = Aggregate.of(distribution(latencies(500, 480, 20, 900)), p99);
    Aggregate plain = Aggregate.of(25, p99);

    Aggregate period = fromHostA.merge(fromHostB).merge(plain);

    assertThat(period.count()).isEqualTo(1001);
    assertThat(period.value(Statistic.MAXIMUM)).hasValue(900.0);
    assertThat(period.value(Statistic.MINIMUM)).hasValue(20.0);
    // 20 slow requests of 1001: the 99th percentile is slow
    assertThat(period.value(p99).getAsDouble()).isCloseTo(900.0, Percentage.withPercentage(1));
  }

  @Test
  void shouldKeepNoSketchWhenTheStatisticIsNotAPercentile() {
    Aggregate aggregate = Aggregate.of(distribution(1, 2, 3), Statistic.SUM);

    assertThat(aggregate.sketch()).isNull();
    assertThat(aggregate.value(Statistic.SUM)).hasValue(6.0);
  }

  @Test
  void shouldAnswerNoPercentileRatherThanAWrongOneWhenTheSketchIsMissingOrDisagrees() {
    Statistic p99 = Statistic.parse("p99");
    Distribution withoutSketch = new Distribution(3, 6, 1, 3, new byte[0]);
    Distribution sketchOfTwo = distribution(1, 2);
    Distribution countOfThree =
        new Distribution(3, 6, 1, 3, sketchOfTwo.sketch()); // the sketch holds 2 samples
    Distribution garbage = new Distribution(3, 6, 1, 3, new byte[] {(byte) 0xff, 1, 2});

    assertThat(Aggregate.of(withoutSketch, p99).value(p99)).isEmpty();
    assertThat(Aggregate.of(countOfThree, p99).value(p99)).isEmpty();
    assertThat(Aggregate.of(garbage, p99).value(p99)).isEmpty();
    assertThat(Aggregate.of(garbage, p99).value(Statistic.MAXIMUM)).hasValue(3.0);
  }
}
