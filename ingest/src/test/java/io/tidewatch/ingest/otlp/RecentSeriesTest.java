package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentSeriesTest {

  @Test
  void shouldWorkAValueOutOnceAndReuseIt() {
    RecentSeries<String, String> recent = new RecentSeries<>(10);
    AtomicInteger computed = new AtomicInteger();

    String first = recent.get("a", key -> key + computed.incrementAndGet());
    String again = recent.get("a", key -> key + computed.incrementAndGet());

    assertThat(first).isEqualTo("a1");
    assertThat(again).isSameAs(first);
    assertThat(computed).hasValue(1);
  }

  @Test
  void shouldStartOverWhenFullSoItStaysBounded() {
    RecentSeries<Integer, Integer> recent = new RecentSeries<>(3);
    for (int i = 0; i < 10; i++) {
      assertThat(recent.get(i, key -> key * 2)).isEqualTo(i * 2);
      assertThat(recent.size()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void shouldRefuseANonPositiveBound() {
    assertThatThrownBy(() -> new RecentSeries<>(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntries");
  }
}
