package io.tidewatch.model.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.codec.Codecs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

  private static final List<String> ALL_SUFFIXES =
      List.of(
          "metrics",
          "logs",
          "rules",
          "alarm-state",
          "alarm-events",
          "actions",
          "ingest-positions",
          "dlq.ingest",
          "dlq.streams",
          "dlq.actions");

  private static Map<String, TopicSpec> byName(Topics topics) {
    return topics.specs().stream().collect(Collectors.toMap(TopicSpec::name, Function.identity()));
  }

  @Test
  void shouldUseTwPrefixWhenDefaultsAreAsked() {
    Topics topics = Topics.defaults();

    assertThat(topics.prefix()).isEqualTo("tw.");
    assertThat(topics.metrics().name()).isEqualTo("tw.metrics");
    assertThat(topics.logs().name()).isEqualTo("tw.logs");
    assertThat(topics.rules().name()).isEqualTo("tw.rules");
    assertThat(topics.alarmState().name()).isEqualTo("tw.alarm-state");
    assertThat(topics.alarmEvents().name()).isEqualTo("tw.alarm-events");
    assertThat(topics.actions().name()).isEqualTo("tw.actions");
    assertThat(topics.dlq("ingest").name()).isEqualTo("tw.dlq.ingest");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tw.", "acme-prod.", "team_a.tw.", ""})
  void shouldApplyPrefixToEveryTopicWhenSpecsAreListed(String prefix) {
    Topics topics = new Topics(prefix);

    List<String> names = topics.specs().stream().map(TopicSpec::name).toList();

    assertThat(names)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            ALL_SUFFIXES.stream().map(suffix -> prefix + suffix).toList())
        .allSatisfy(name -> assertThat(name).startsWith(prefix));
    assertThat(names)
        .allSatisfy(
            name ->
                assertThatCode(() -> org.apache.kafka.common.internals.Topic.validate(name))
                    .as("Kafka accepts topic name %s", name)
                    .doesNotThrowAnyException());
  }

  @Test
  void shouldSpecEveryTopicItNamesWhenSpecsAreListed() {
    Topics topics = new Topics("x.");

    assertThat(byName(topics))
        .containsKeys(
            topics.metrics().name(),
            topics.logs().name(),
            topics.rules().name(),
            topics.alarmState().name(),
            topics.alarmEvents().name(),
            topics.actions().name(),
            topics.ingestPositions().name());
    assertThat(byName(topics).get(topics.ingestPositions().name()).configs())
        .containsEntry("cleanup.policy", "compact");
    for (String source : topics.dlqSources()) {
      assertThat(byName(topics)).containsKey(topics.dlq(source).name());
    }
  }

  @Test
  void shouldUseLogAppendTimeWhenTopicMayReceiveBackdatedData() {
    Map<String, TopicSpec> specs = byName(new Topics("p."));

    for (String hot :
        List.of("p.metrics", "p.logs", "p.dlq.ingest", "p.dlq.streams", "p.dlq.actions")) {
      assertThat(specs.get(hot).configs())
          .as(hot)
          .containsEntry("message.timestamp.type", "LogAppendTime")
          .containsEntry("cleanup.policy", "delete");
    }
    assertThat(specs.get("p.metrics").configs())
        .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
    assertThat(specs.get("p.logs").configs())
        .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
  }

  @Test
  void shouldCompactTopicsWhenTheyHoldLatestStatePerKey() {
    Map<String, TopicSpec> specs = byName(new Topics("p."));

    for (String compacted : List.of("p.rules", "p.alarm-state", "p.actions")) {
      assertThat(specs.get(compacted).configs())
          .as(compacted)
          .containsEntry("cleanup.policy", "compact")
          .doesNotContainKey("retention.ms");
    }
    assertThat(specs.get("p.alarm-events").configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()));
  }

  @Test
  void shouldPartitionHotAndControlTopicsWhenSpecsAreListed() {
    Map<String, TopicSpec> specs = byName(Topics.defaults());

    assertThat(specs.get("tw.metrics").partitions()).isEqualTo(6);
    assertThat(specs.get("tw.logs").partitions()).isEqualTo(6);
    assertThat(specs.get("tw.rules").partitions())
        .as("rules are a global table: one partition keeps them in order")
        .isEqualTo(1);
    assertThat(specs.get("tw.alarm-state").partitions())
        .as("co-partitioned with alarm events")
        .isEqualTo(specs.get("tw.alarm-events").partitions());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"tw/", "tw ", "tw:", "tw.\n", "tw,", "témoin.", "tw*"})
  void shouldRefusePrefixWhenItHoldsCharactersKafkaRejects(String prefix) {
    assertThatThrownBy(() -> new Topics(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic prefix")
        .hasMessageContaining("Found: " + prefix);
  }

  @Test
  void shouldFindCodecOfOwnTopicsOnlyWhenAskedByName() {
    Topics topics = new Topics("acme.");

    assertThat(topics.codecOf("acme.metrics")).contains(Codecs.METRIC_BATCH);
    assertThat(topics.codecOf("acme.logs")).contains(Codecs.LOG_EVENT);
    assertThat(topics.codecOf("acme.alarm-events")).contains(Codecs.ALARM_STATE_CHANGE);
    assertThat(topics.codecOf("acme.actions")).contains(Codecs.ACTION_RECORD);
    assertThat(topics.codecOf("acme.dlq.streams")).contains(Codecs.RAW);
    assertThat(topics.codecOf("acme.rules")).isPresent();
    assertThat(topics.codecOf("acme.alarm-state")).isPresent();
    assertThat(topics.codecOf("tw.metrics")).isEmpty();
    assertThat(topics.codecOf("acme.unknown")).isEmpty();
  }

  @Test
  void shouldRefuseTopicWhenNameOrCodecIsMissing() {
    assertThatThrownBy(() -> new Topic<>(null, Codecs.RAW))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> new Topic<>("x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("codec");
  }
}
