package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatisticTest {

  @ParameterizedTest
  @ValueSource(strings = {"Average", "Sum", "Minimum", "Maximum", "SampleCount"})
  void shouldParseExactStatisticWhenSpeltAsCloudWatchDoes(String name) {
    Statistic statistic = Statistic.parse(name);

    assertThat(statistic).isInstanceOf(Statistic.Basic.class);
    assertThat(statistic.label()).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource({
    "p99, 99.0, p99",
    "p99.9, 99.9, p99.9",
    "p50, 50, p50",
    "p0, 0, p0",
    "p100, 100, p100",
    "p99.90, 99.9, p99.9",
    "p9.5, 9.5, p9.5"
  })
  void shouldParsePercentileWhenWrittenAsPnn(String text, double p, String label) {
    Statistic statistic = Statistic.parse(text);

    assertThat(statistic).isEqualTo(new Statistic.Percentile(p));
    assertThat(statistic.label()).isEqualTo(label);
  }

  @ParameterizedTest
  @CsvSource({
    "avgg, Average",
    "average, Average",
    "Avg, Average",
    "sum, Sum",
    "max, Maximum",
    "Minimun, Minimum",
    "samplecount, SampleCount",
    "count, SampleCount"
  })
  void shouldSuggestNearestNameWhenStatisticIsUnknown(String text, String suggestion) {
    assertThatThrownBy(() -> Statistic.parse(text))
        .isInstanceOfSatisfying(
            Statistic.UnknownStatisticException.class,
            e -> {
              assertThat(e.text()).isEqualTo(text);
              assertThat(e.suggestion()).contains(suggestion);
              assertThat(e.validNames())
                  .containsExactly("Average", "Sum", "Minimum", "Maximum", "SampleCount");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "unknown statistic '" + text + "' (did you mean '" + suggestion + "'?)");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"p101", "p", "p-1", "P99", "99", "p99.", "tm99", "", "median", "stddev"})
  void shouldRejectStatisticWhenNeitherExactNorPercentile(String text) {
    assertThat(Statistic.tryParse(text)).isEmpty();
    assertThatThrownBy(() -> Statistic.parse(text))
        .isInstanceOf(Statistic.UnknownStatisticException.class)
        .hasMessageStartingWith("unknown statistic '" + text + "'");
  }

  @Test
  void shouldListValidNamesWhenNothingIsClose() {
    assertThatThrownBy(() -> Statistic.parse("stddev"))
        .hasMessage(
            "unknown statistic 'stddev' (expected one of Average, Sum, Minimum, Maximum,"
                + " SampleCount or a percentile such as p99 or p99.9)");
  }

  @Test
  void shouldRejectPercentileWhenOutOfRange() {
    assertThatThrownBy(() -> new Statistic.Percentile(100.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Statistic.Percentile(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
