package io.tidewatch.model.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates missing topics and reports existing ones whose settings differ from their spec. It never
 * alters an existing topic: changing partitions or cleanup policy of live data is an operator's
 * decision.
 */
public final class TopicBootstrap {

  private static final Duration LEADER_WAIT = Duration.ofSeconds(10);
  private static final Duration LEADER_POLL = Duration.ofMillis(50);

  private final Admin admin;
  private final short replicationFactor;

  public TopicBootstrap(Admin admin, short replicationFactor) {
    this.admin = admin;
    this.replicationFactor = replicationFactor;
  }

  /** What {@link #ensure} did. */
  public record Report(List<String> created, List<String> existing, List<String> conflicts) {
    public Report {
      created = List.copyOf(created);
      existing = List.copyOf(existing);
      conflicts = List.copyOf(conflicts);
    }
  }

  public Report ensure(Collection<TopicSpec> specs) throws InterruptedException {
    try {
      Set<String> present = admin.listTopics().names().get();
      List<TopicSpec> missing =
          specs.stream().filter(spec -> !present.contains(spec.name())).toList();
      List<String> created = create(missing);
      List<TopicSpec> existing =
          specs.stream().filter(spec -> !created.contains(spec.name())).toList();
      return new Report(
          created, existing.stream().map(TopicSpec::name).toList(), conflicts(existing));
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create Tidewatch topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private List<String> create(List<TopicSpec> missing)
      throws InterruptedException, ExecutionException {
    List<NewTopic> topics =
        missing.stream()
            .map(
                spec ->
                    new NewTopic(spec.name(), spec.partitions(), replicationFactor)
                        .configs(spec.configs()))
            .toList();
    List<String> created = new ArrayList<>();
    Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        result.getValue().get();
        created.add(result.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e; // created concurrently by another instance is fine; anything else is not
        }
      }
    }
    awaitLeaders(created);
    return created;
  }

  /**
   * Waits, up to {@link #LEADER_WAIT}, until every partition of the topics just created has a
   * leader. Creation returns before the partitions can take writes, and an idempotent producer that
   * writes at once may have its first batch refused as the partition comes up while a later one is
   * taken, after which the first can never be written (out of order).
   */
  private void awaitLeaders(List<String> created) throws InterruptedException {
    if (created.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(created).allTopicNames().get();
        if (descriptions.values().stream()
            .flatMap(description -> description.partitions().stream())
            .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException(
              "cannot describe the topics just created: " + e.getCause().getMessage(),
              e.getCause());
        }
        // not in the metadata yet: ask again
      }
      Thread.sleep(LEADER_POLL.toMillis());
    }
  }

  private List<String> conflicts(List<TopicSpec> existing)
      throws InterruptedException, ExecutionException {
    if (existing.isEmpty()) {
      return List.of();
    }
    List<String> names = existing.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
    Map<ConfigResource, Config> configs =
        admin
            .describeConfigs(
                names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .collect(Collectors.toList()))
            .all()
            .get();
    List<String> conflicts = new ArrayList<>();
    for (TopicSpec spec : existing) {
      int partitions = descriptions.get(spec.name()).partitions().size();
      if (partitions != spec.partitions()) {
        conflicts.add(
            spec.name()
                + ": partitions "
                + partitions
                + ", expected "
                + spec.partitions()
                + " (not changed)");
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
      for (Map.Entry<String, String> wanted : spec.configs().entrySet()) {
        ConfigEntry actual = config.get(wanted.getKey());
        String value = actual == null ? null : actual.value();
        if (!wanted.getValue().equals(value)) {
          conflicts.add(
              spec.name()
                  + ": "
                  + wanted.getKey()
                  + "="
                  + value
                  + ", expected "
                  + wanted.getValue()
                  + " (not changed)");
        }
      }
    }
    return conflicts;
  }
}
