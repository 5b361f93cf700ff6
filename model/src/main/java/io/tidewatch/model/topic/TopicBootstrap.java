package io.tidewatch.model.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics and reports existing ones whose settings differ from their spec. It never
 * alters an existing topic: changing partitions or cleanup policy of live data is an operator's
 * decision.
 */
public final class TopicBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);
  private static final Duration SERVE_WAIT = Duration.ofSeconds(30);
  private static final Duration SERVE_POLL = Duration.ofMillis(50);

  private final Admin admin;
  private final short replicationFactor;

  /** The replication factor that lets each broker's {@code default.replication.factor} decide. */
  public static final short BROKER_DEFAULT_REPLICATION = -1;

  /**
   * @param replicationFactor of the topics it creates, or {@link #BROKER_DEFAULT_REPLICATION}
   */
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

  /**
   * Creates the missing topics and returns once their brokers serve them.
   *
   * @throws IllegalStateException when Kafka refuses or does not serve them in time, saying why
   */
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
    awaitServed(missing.stream().map(TopicSpec::name).toList()); // ours and any made meanwhile
    return created;
  }

  /**
   * Waits until every replica of every partition of the topics just created has its log on its
   * broker, so that the first writes are taken. Up to Kafka 4.4 a broker names a new partition's
   * leader in its metadata before it serves the partition: an idempotent producer's first batch may
   * be refused ({@code NOT_LEADER_OR_FOLLOWER}) while a later batch in flight is taken, and the
   * first can then never be written (out of order, KAFKA-15591) until the producer gives up. A
   * leader in {@code describeTopics} is therefore not enough; the log in {@code describeLogDirs}
   * is, since the broker creates it while it takes leadership, holding back writes until it is
   * done.
   *
   * @throws IllegalStateException when the partitions are not served within {@link #SERVE_WAIT}
   */
  private void awaitServed(List<String> fresh) throws InterruptedException {
    if (fresh.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + SERVE_WAIT.toNanos();
    String waitingFor = "the topics' metadata";
    while (true) {
      try {
        Map<TopicPartition, List<Integer>> replicas = replicas(fresh);
        Set<String> unserved = unserved(replicas);
        if (unserved.isEmpty()) {
          return;
        }
        waitingFor = "logs of " + unserved;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ClusterAuthorizationException) {
          LOG.warn(
              "Cannot check that the brokers serve the new topics {} (describeLogDirs needs"
                  + " DESCRIBE on the cluster); the first writes may be refused until they do",
              fresh);
          return;
        }
        if (!(e.getCause() instanceof RetriableException)) {
          throw new IllegalStateException(
              "cannot check the topics just created: " + e.getCause().getMessage(), e.getCause());
        }
        waitingFor = e.getCause().getMessage();
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            "topics "
                + fresh
                + " were created but their brokers did not serve them within "
                + SERVE_WAIT.toSeconds()
                + " s (waiting for "
                + waitingFor
                + ")");
      }
      Thread.sleep(SERVE_POLL.toMillis());
    }
  }

  private Map<TopicPartition, List<Integer>> replicas(List<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, List<Integer>> replicas = new HashMap<>();
    for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
      for (TopicPartitionInfo partition : topic.partitions()) {
        replicas.put(
            new TopicPartition(topic.name(), partition.partition()),
            partition.replicas().stream().map(Node::id).toList());
      }
    }
    return replicas;
  }

  /** The replicas, as {@code topic-partition@broker}, whose broker has no log for them yet. */
  private Set<String> unserved(Map<TopicPartition, List<Integer>> replicas)
      throws InterruptedException, ExecutionException {
    Set<Integer> brokers = new TreeSet<>();
    replicas.values().forEach(brokers::addAll);
    Map<Integer, Map<String, LogDirDescription>> logDirs =
        admin.describeLogDirs(brokers).allDescriptions().get();
    Set<String> unserved = new TreeSet<>();
    replicas.forEach(
        (partition, onBrokers) -> {
          for (int broker : onBrokers) {
            boolean hosted =
                logDirs.getOrDefault(broker, Map.of()).values().stream()
                    .anyMatch(dir -> dir.replicaInfos().containsKey(partition));
            if (!hosted) {
              unserved.add(partition + "@" + broker);
            }
          }
        });
    return unserved;
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
