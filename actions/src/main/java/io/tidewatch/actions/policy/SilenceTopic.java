package io.tidewatch.actions.policy;

import io.tidewatch.model.topic.TopicSpec;
import io.tidewatch.model.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

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

  /** Creates the topic if it is missing, with the broker's default replication. */
  public void ensure(Admin admin) throws InterruptedException {
    try {
      if (admin.listTopics().names().get().contains(name)) {
        return;
      }
      TopicSpec spec = spec();
      admin
          .createTopics(
              List.of(
                  new NewTopic(name, Optional.of(spec.partitions()), Optional.empty())
                      .configs(spec.configs())))
          .all()
          .get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create the silences topic " + name + ": " + e.getCause().getMessage(),
            e.getCause());
      }
    }
  }
}
