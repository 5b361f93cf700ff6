package io.tidewatch.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricPointTest {

  private static final SeriesId SERIES = SeriesId.of("App", "latency", Map.of("host", "a"));
  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void shouldRefusePointWhenValueIsNotFinite(double value) {
    assertThatThrownBy(() -> new MetricPoint(SERIES, T, value, "ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite")
        .hasMessageContaining(Double.toString(value));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, -1.5, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE})
  void shouldAcceptPointWhenValueIsFinite(double value) {
    assertThat(new MetricPoint(SERIES, T, value, "ms").value()).isEqualTo(value);
  }

  @Test
  void shouldUseEmptyUnitWhenUnitIsNull() {
    assertThat(new MetricPoint(SERIES, T, 1.0, null).unit()).isEmpty();
  }

  @Test
  void shouldRefusePointWhenSeriesOrTimestampIsMissing() {
    assertThatThrownBy(() -> new MetricPoint(null, T, 1.0, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("series");
    assertThatThrownBy(() -> new MetricPoint(SERIES, null, 1.0, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timestamp");
  }
}
