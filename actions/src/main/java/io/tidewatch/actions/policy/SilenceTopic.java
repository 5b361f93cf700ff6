package io.tidewatch.actions.policy;

import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.TopicSpec;
import io.tidewatch.model.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;

/**
 * The silences topic, {@code <prefix>silences} ({@code tw.silences}): compacted, one partition,
 * keyed by silence id, JSON values. An expired silence keeps its record (with {@code endsAt} moved
 * to when it was expired) so that {@code silence list} can show it.
 */
public record SilenceTopic(String name) {

  public SilenceTopic {
    Objects.requireNonNull(name, "name");
  }

  public static SilenceTopic of(Topics topics) {
    return new SilenceTopic(topics.prefix() + "silences");
  }

  public TopicSpec spec() {
    return new TopicSpec(name, 1, Map.of("cleanup.policy", "compact"));
  }

  /**
   * Creates the topic if it is missing, with the broker's default replication, and returns once the
   * broker serves it.
   */
  public void ensure(Admin admin) throws InterruptedException {
    new TopicBootstrap(admin, TopicBootstrap.BROKER_DEFAULT_REPLICATION).ensure(List.of(spec()));
  }
}
