package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeFilterTest {

  @Test
  void shouldAllowDefaultKeysAndPrefixesWhenFilterIsDefault() {
    AttributeFilter filter = AttributeFilter.defaults();

    assertThat(filter.test("service.name")).isTrue();
    assertThat(filter.test("k8s.deployment.name")).isTrue();
    assertThat(filter.test("cloud.availability_zone")).isTrue();
    assertThat(filter.test("service.version")).isFalse();
    assertThat(filter.test("k8s")).isFalse();
    assertThat(filter.test("host.name.extra")).isFalse();
  }

  @Test
  void shouldLetDenyWinWhenKeyMatchesBoth() {
    AttributeFilter filter = new AttributeFilter(List.of("*"), List.of("process.*"));

    assertThat(filter.test("anything")).isTrue();
    assertThat(filter.test("process.pid")).isFalse();
  }

  @Test
  void shouldReportEveryBadPatternWhenStarIsNotTrailing() {
    assertThatThrownBy(() -> new AttributeFilter(List.of("k8s.*.name", ""), List.of("*x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "allow: an attribute key, or a prefix followed by a single trailing"
                + " '*'. Found: 'k8s.*.name'")
        .hasMessageContaining("Found: ''")
        .hasMessageContaining(
            "deny: an attribute key, or a prefix followed by a single trailing"
                + " '*'. Found: '*x'");
  }
}
