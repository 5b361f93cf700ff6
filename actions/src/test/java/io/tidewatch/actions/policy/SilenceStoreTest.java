package io.tidewatch.actions.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class SilenceStoreTest {

  @Test
  void shouldAddListAndExpireSilencesSharedThroughTheCompactedTopic(EmbeddedBroker broker)
      throws Exception {
    SilenceTopic topic = SilenceTopic.of(new Topics("silence-test-" + System.nanoTime() + "."));
    assertThat(topic.name()).endsWith(".silences");
    Instant now = Instant.now();
    try (SilenceStore cli =
            SilenceStore.open(broker.bootstrapServers(), Map.of(), topic, Clock.systemUTC());
        SilenceStore worker =
            SilenceStore.open(broker.bootstrapServers(), Map.of(), topic, Clock.systemUTC())) {
      Silence silence =
          cli.add(
              List.of(
                  Matcher.parse("alarmName=\"web-cpu-high\""), Matcher.parse("host=~\"web-.*\"")),
              now.minusSeconds(5),
              now.plus(Duration.ofHours(2)),
              "alice",
              "deploying web");
      Silence later =
          cli.add(
              List.of(Matcher.parse("team=\"db\"")),
              now.plus(Duration.ofHours(1)),
              now.plus(Duration.ofHours(3)),
              "bob",
              "maintenance");
      assertThat(cli.list()).containsExactly(silence, later);
      assertThat(silence.status(now)).isEqualTo(Silence.Status.ACTIVE);
      assertThat(later.status(now)).isEqualTo(Silence.Status.PENDING);

      await().atMost(Duration.ofSeconds(10)).until(() -> worker.list().size() == 2);
      assertThat(worker.muting(Map.of("alarmName", "web-cpu-high", "host", "web-7"), now))
          .contains(silence);
      assertThat(worker.muting(Map.of("alarmName", "web-cpu-high", "host", "db-1"), now)).isEmpty();
      assertThat(worker.muting(Map.of("team", "db"), now)).as("not started yet").isEmpty();

      Silence expired = cli.expire(silence.id());
      assertThat(expired.status(Instant.now().plusMillis(1))).isEqualTo(Silence.Status.EXPIRED);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  worker
                      .muting(
                          Map.of("alarmName", "web-cpu-high", "host", "web-7"),
                          Instant.now().plusMillis(1))
                      .isEmpty());
      assertThat(cli.list()).hasSize(2);
      assertThatThrownBy(() -> cli.expire(silence.id()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already expired");
      assertThatThrownBy(() -> cli.expire("no-such-id")).isInstanceOf(NoSuchElementException.class);
    }

    try (SilenceStore reopened =
            SilenceStore.open(broker.bootstrapServers(), Map.of(), topic, Clock.systemUTC());
        Admin admin = Admin.create(broker.clientConfig())) {
      assertThat(reopened.list()).hasSize(2);
      ConfigEntry policy =
          admin
              .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())))
              .all()
              .get()
              .values()
              .iterator()
              .next()
              .get("cleanup.policy");
      assertThat(policy.value()).isEqualTo("compact");
    }
  }

  @Test
  void shouldRefuseSilencesThatMuteEverythingOrSayNothing(EmbeddedBroker broker) throws Exception {
    SilenceTopic topic = SilenceTopic.of(new Topics("silence-bad-" + System.nanoTime() + "."));
    Instant now = Instant.now();
    try (SilenceStore store =
        SilenceStore.open(broker.bootstrapServers(), Map.of(), topic, Clock.systemUTC())) {
      assertThatThrownBy(
              () ->
                  store.add(
                      List.of(Matcher.parse("host=~\".*\"")),
                      now,
                      now.plusSeconds(60),
                      "alice",
                      "all"))
          .hasMessageContaining("a silence that mutes every alert is refused");
      assertThatThrownBy(() -> store.add(List.of(), now.plusSeconds(60), now, " ", null))
          .hasMessageContaining("matchers: at least one")
          .hasMessageContaining("endsAt: after startsAt")
          .hasMessageContaining("createdBy: who creates the silence")
          .hasMessageContaining("comment: why");
      assertThat(store.list()).isEmpty();
    }
  }
}
