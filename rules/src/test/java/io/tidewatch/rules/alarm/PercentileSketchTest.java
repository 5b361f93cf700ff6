package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.rules.Statistic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Property tests of percentiles: on random data of several shapes, every percentile is within 1% of
 * the exact one (RULES.md section 2), and merging the aggregates of random parts answers exactly as
 * the aggregate of the whole.
 */
class PercentileSketchTest {

  private static final double[] PERCENTILES = {1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9};
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Shapes of data: latencies (log-normal), uniform, heavy tails, signed, few distinct values. */
  private static List<DoubleSupplier> shapes(Random random) {
    return List.of(
        () -> Math.exp(3 + random.nextGaussian()),
        () -> random.nextDouble() * 1000,
        () -> 1 / (1e-4 + random.nextDouble()),
        () -> random.nextGaussian() * 50,
        () -> random.nextInt(5) * 10.0,
        () -> 1e-3 + random.nextDouble() * 1e6);
  }

  /** The exact sample at rank {@code q * (n - 1)} (rounded down), the rank DDSketch answers for. */
  private static double exact(double[] sorted, double p) {
    return sorted[(int) Math.floor(p / 100 * (sorted.length - 1))];
  }

  @Test
  void shouldStayWithinOnePercentOfExactPercentileWhenDataIsRandom() {
    Random random = new Random(20261122);
    for (int trial = 0; trial < 60; trial++) {
      DoubleSupplier shape = shapes(random).get(trial % 6);
      int n = 1 + random.nextInt(trial < 6 ? 5 : 20_000);
      double[] samples = new double[n];
      Aggregate aggregate = Aggregate.empty(new Statistic.Percentile(50));
      for (int i = 0; i < n; i++) {
        samples[i] = shape.getAsDouble();
        aggregate = aggregate.add(samples[i]);
      }
      double[] sorted = samples.clone();
      Arrays.sort(sorted);
      for (double p : PERCENTILES) {
        double expected = exact(sorted, p);
        double actual = aggregate.value(new Statistic.Percentile(p)).orElseThrow();
        assertThat(Math.abs(actual - expected))
            .as("trial %d, n=%d, p%s: exact %s, sketch %s", trial, n, p, expected, actual)
            .isLessThanOrEqualTo(0.01 * Math.abs(expected));
      }
      assertThat(aggregate.value(new Statistic.Percentile(0))).hasValue(sorted[0]);
      assertThat(aggregate.value(new Statistic.Percentile(100))).hasValue(sorted[n - 1]);
    }
  }

  @Test
  void shouldAnswerAsTheWholeWhenRandomPartsAreMergedInAnyOrder() {
    Random random = new Random(7);
    Statistic p99 = new Statistic.Percentile(99);
    for (int trial = 0; trial < 30; trial++) {
      DoubleSupplier shape = shapes(random).get(trial % 6);
      int n = 1 + random.nextInt(5_000);
      int parts = 1 + random.nextInt(8);
      Aggregate whole = Aggregate.empty(p99);
      List<Aggregate> pieces = new ArrayList<>(Collections.nCopies(parts, Aggregate.empty(p99)));
      for (int i = 0; i < n; i++) {
        double value = shape.getAsDouble();
        whole = whole.add(value);
        int part = random.nextInt(parts);
        pieces.set(part, pieces.get(part).merge(Aggregate.of(value, p99)));
      }
      Collections.shuffle(pieces, random);
      Aggregate merged = pieces.stream().reduce(Aggregate.empty(), Aggregate::merge);

      assertThat(merged.count()).isEqualTo(whole.count());
      assertThat(merged.sketch()).isEqualTo(whole.sketch());
      for (double p : PERCENTILES) {
        Statistic percentile = new Statistic.Percentile(p);
        assertThat(merged.value(percentile)).isEqualTo(whole.value(percentile));
      }
      assertThat(merged.value(Statistic.SUM).orElseThrow())
          .isCloseTo(
              whole.value(Statistic.SUM).orElseThrow(),
              org.assertj.core.data.Offset.offset(1e-6 * Math.abs(whole.sum()) + 1e-9));
    }
  }

  @Test
  void shouldRoundTripThroughPlainObjectMapperWhenSketchIsKept() throws Exception {
    Statistic p90 = new Statistic.Percentile(90);
    Aggregate aggregate = Aggregate.of(12.5, p90);
    for (int i = 0; i < 1000; i++) {
      aggregate = aggregate.add(i * 0.37);
    }

    String json = JSON.writeValueAsString(aggregate);
    Aggregate read = JSON.readValue(json, Aggregate.class);

    assertThat(json).startsWith("{\"count\":1001,").contains("\"sketch\":\"");
    assertThat(read).isEqualTo(aggregate);
    assertThat(read.value(p90)).isEqualTo(aggregate.value(p90));
    assertThat(read.add(5).merge(Aggregate.of(7, p90)).value(p90)).isPresent();
  }

  @Test
  void shouldKeepOldJsonShapeWhenNoSketchIsKept() throws Exception {
    Aggregate exact = Aggregate.of(4).add(10);

    String json = JSON.writeValueAsString(exact);

    assertThat(json).isEqualTo("{\"count\":2,\"sum\":14.0,\"min\":4.0,\"max\":10.0}");
    assertThat(JSON.readValue(json, Aggregate.class)).isEqualTo(exact);
    assertThat(JSON.readValue("{\"count\":1,\"sum\":3.0,\"min\":3.0,\"max\":3.0}", Aggregate.class))
        .isEqualTo(Aggregate.of(3));
  }

  @Test
  void shouldRoundTripEmptyAggregatesWhenTheirBoundsAreInfinite() throws Exception {
    for (Aggregate empty :
        List.of(Aggregate.empty(), Aggregate.empty(new Statistic.Percentile(99)))) {
      Aggregate read = JSON.readValue(JSON.writeValueAsString(empty), Aggregate.class);

      assertThat(read).isEqualTo(empty);
      assertThat(read.add(3).value(Statistic.MINIMUM)).hasValue(3.0);
    }
  }

  @Test
  void shouldDropSketchWhenMergedWithSamplesItDoesNotCover() {
    Statistic p50 = new Statistic.Percentile(50);
    Aggregate sketched = Aggregate.of(1, p50).add(2).add(3);

    assertThat(sketched.merge(Aggregate.of(100)).value(p50)).isEmpty();
    assertThat(Aggregate.of(100).merge(sketched).value(p50)).isEmpty();
    assertThat(sketched.merge(Aggregate.empty()).value(p50)).isPresent();
    assertThat(Aggregate.empty().merge(sketched)).isEqualTo(sketched);
    assertThat(Aggregate.empty(p50).merge(Aggregate.of(5, p50)).value(p50).orElseThrow())
        .isCloseTo(5, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(Aggregate.of(5).value(p50)).as("no sketch, no percentile").isEmpty();
    assertThat(Aggregate.of(5).value(new Statistic.Percentile(100))).hasValue(5.0);
  }

  @Test
  void shouldAcceptExtremeSamplesWhenTheyAreInfiniteOrTiny() {
    Statistic p50 = new Statistic.Percentile(50);
    Aggregate aggregate =
        Aggregate.of(Double.POSITIVE_INFINITY, p50)
            .add(Double.NEGATIVE_INFINITY)
            .add(1e-320)
            .add(0);

    assertThat(aggregate.count()).isEqualTo(4);
    assertThat(aggregate.value(p50)).isPresent();
    assertThat(Aggregate.of(Double.NaN, p50).count()).isZero();
  }

  @Test
  void shouldRefuseTextWhenItIsNotAnEncodedSketch() {
    assertThatThrownBy(() -> PercentileSketch.fromBase64("bm90IGEgc2tldGNo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not an encoded percentile sketch");
    assertThat(PercentileSketch.fromBase64(PercentileSketch.of(3).toBase64()))
        .isEqualTo(PercentileSketch.of(3));
  }
}
