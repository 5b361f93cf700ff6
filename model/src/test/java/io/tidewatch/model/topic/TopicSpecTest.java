package io.tidewatch.model.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSpecTest {

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void shouldRefuseSpecNamingTopicWhenPartitionsAreBelowOne(int partitions) {
    assertThatThrownBy(() -> new TopicSpec("tw.metrics", partitions, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions must be >= 1")
        .hasMessageContaining("tw.metrics");
  }

  @Test
  void shouldCopyAndSortConfigsWhenCallerMutatesTheMap() {
    Map<String, String> configs = new HashMap<>();
    configs.put("retention.ms", "1000");
    configs.put("cleanup.policy", "delete");
    TopicSpec spec = new TopicSpec("t", 1, configs);

    configs.put("cleanup.policy", "compact");

    assertThat(spec.configs()).containsEntry("cleanup.policy", "delete");
    assertThat(spec.configs().keySet()).containsExactly("cleanup.policy", "retention.ms");
    assertThatThrownBy(() -> spec.configs().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
