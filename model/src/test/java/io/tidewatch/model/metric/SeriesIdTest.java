package io.tidewatch.model.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeriesIdTest {

  @Test
  void shouldRenderNamespaceNameAndSortedDimensionsWhenKeyIsAsked() {
    SeriesId series =
        SeriesId.of(
            "AWS/EC2",
            "CPUUtilization",
            Map.of("InstanceId", "i-0abc", "AutoScalingGroupName", "web"));

    assertThat(series.key())
        .isEqualTo("AWS/EC2/CPUUtilization{AutoScalingGroupName=web,InstanceId=i-0abc}");
    assertThat(series).hasToString(series.key());
  }

  @Test
  void shouldRenderEmptyBracesWhenSeriesHasNoDimensions() {
    assertThat(SeriesId.of("App", "requests", Map.of()).key()).isEqualTo("App/requests{}");
  }

  @Test
  void shouldBeEqualWithSameKeyWhenDimensionsArriveInAnotherOrder() {
    Map<String, String> forward = new LinkedHashMap<>();
    forward.put("host", "a");
    forward.put("az", "eu-west-1a");
    forward.put("service", "checkout");
    Map<String, String> backward = new LinkedHashMap<>();
    backward.put("service", "checkout");
    backward.put("az", "eu-west-1a");
    backward.put("host", "a");

    SeriesId first = SeriesId.of("App", "latency", forward);
    SeriesId second = SeriesId.of("App", "latency", backward);

    assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
    assertThat(first.key())
        .isEqualTo(second.key())
        .isEqualTo("App/latency{az=eu-west-1a,host=a,service=checkout}");
    assertThat(first.dimensions().keySet()).containsExactly("az", "host", "service");
  }

  @Test
  void shouldNotSeeLaterChangesWhenCallerMutatesTheDimensionsMap() {
    TreeMap<String, String> passed = new TreeMap<>(Map.of("host", "a"));
    SeriesId series = new SeriesId("App", "latency", passed);

    passed.put("host", "b");
    passed.put("extra", "x");

    assertThat(series.key()).isEqualTo("App/latency{host=a}");
    assertThatThrownBy(() -> series.dimensions().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldRefuseSeriesWhenNameIsEmpty() {
    assertThatThrownBy(() -> SeriesId.of("App", "", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metric name must not be empty");
  }

  @Test
  void shouldRefuseSeriesWhenNamespaceOrNameIsNull() {
    assertThatThrownBy(() -> SeriesId.of(null, "x", Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("namespace");
    assertThatThrownBy(() -> SeriesId.of("App", null, Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
  }

  @Test
  void shouldGiveDistinctKeysWhenDimensionValuesContainSeparators() {
    SeriesId oneDimension = SeriesId.of("App", "m", Map.of("a", "1,b=2"));
    SeriesId twoDimensions = SeriesId.of("App", "m", Map.of("a", "1", "b", "2"));
    SeriesId slashInNamespace = SeriesId.of("AWS/EC2", "CPU", Map.of());
    SeriesId slashInName = SeriesId.of("AWS", "EC2/CPU", Map.of());

    assertThat(oneDimension).isNotEqualTo(twoDimensions);
    assertThat(oneDimension.key()).isNotEqualTo(twoDimensions.key());
    assertThat(slashInNamespace.key()).isNotEqualTo(slashInName.key());
  }
}
