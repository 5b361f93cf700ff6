package io.tidewatch.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.codec.Codec;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.TopicSpec;
import io.tidewatch.model.topic.Topics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker as users and the other modules' tests get it. One broker is shared by most
 * methods (each start costs seconds); the restart test starts its own twice.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedBrokerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Topics TOPICS = Topics.defaults();

  @TempDir static Path sharedDataDir;

  private static EmbeddedBroker broker;
  private static Admin admin;
  private static TopicBootstrap.Report firstEnsure;

  @BeforeAll
  static void startSharedBroker() throws Exception {
    broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(sharedDataDir, 0));
    admin = Admin.create(broker.clientConfig());
    firstEnsure = new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
  }

  @AfterAll
  static void stopSharedBroker() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(10));
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldListenOnAFreeLoopbackPortWhenStartedOnPortZero() throws Exception {
    assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    int port = Integer.parseInt(broker.bootstrapServers().substring("127.0.0.1:".length()));
    assertThat(port).isBetween(1, 65535);
    assertThat(broker.dataDir()).isEqualTo(sharedDataDir);
    assertThat(admin.describeCluster().nodes().get()).hasSize(1);
  }

  @Test
  void shouldCreateEveryTopicAsSpecifiedWhenBootstrappingAFreshBroker() throws Exception {
    List<String> names = names(TOPICS.specs());

    assertThat(firstEnsure.created()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(firstEnsure.existing()).isEmpty();
    assertThat(firstEnsure.conflicts()).isEmpty();
    assertThat(admin.listTopics().names().get()).containsAll(names);
    var descriptions = admin.describeTopics(names).allTopicNames().get();
    for (TopicSpec spec : TOPICS.specs()) {
      assertThat(descriptions.get(spec.name()).partitions())
          .as("partitions of %s", spec.name())
          .hasSize(spec.partitions());
      Config config = topicConfig(spec.name());
      spec.configs()
          .forEach(
              (key, value) ->
                  assertThat(config.get(key).value())
                      .as("%s of %s", key, spec.name())
                      .isEqualTo(value));
    }
  }

  @Test
  void shouldCreateNothingAndReportNoConflictWhenEnsureRunsASecondTime() throws Exception {
    TopicBootstrap.Report second = new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());

    assertThat(second.created()).isEmpty();
    assertThat(second.existing()).containsExactlyInAnyOrderElementsOf(names(TOPICS.specs()));
    assertThat(second.conflicts()).isEmpty();
  }

  /**
   * KAFKA-15591: a producer writing as soon as a topic exists can have its first batch refused and
   * a later one taken, and then never write the first. Before {@code ensure} waited for the
   * partitions' logs, nearly every round here lost records.
   */
  @Test
  void shouldTakeEveryWriteOfAnIdempotentProducerThatStartsAsSoonAsEnsureReturns()
      throws Exception {
    int partitions = 12;
    for (int round = 0; round < 5; round++) {
      String topic = "fresh-" + round;
      TopicBootstrap.Report report =
          new TopicBootstrap(admin, (short) 1)
              .ensure(List.of(new TopicSpec(topic, partitions, Map.of())));
      assertThat(report.created()).containsExactly(topic);
      assertThat(hostedPartitions(topic)).as("logs of %s", topic).hasSize(partitions);

      List<Future<RecordMetadata>> sends = new ArrayList<>();
      try (KafkaProducer<String, String> producer =
          producer(
              new StringSerializer(),
              Map.of(
                  ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                  ProducerConfig.BATCH_SIZE_CONFIG, 512,
                  ProducerConfig.LINGER_MS_CONFIG, 0,
                  ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                  ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
        for (int i = 0; i < 400; i++) {
          sends.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, "x" + i)));
        }
      }
      for (Future<RecordMetadata> send : sends) {
        assertThat(send).as("round %d", round).succeedsWithin(Duration.ZERO);
      }
    }
  }

  @Test
  void shouldReportConflictsAndLeaveTopicsAloneWhenTheyExistWithOtherSettings() throws Exception {
    Topics topics = new Topics("conflict.");
    admin
        .createTopics(
            List.of(
                new NewTopic(topics.alarmState().name(), 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")),
                new NewTopic(topics.metrics().name(), 6, (short) 1)
                    .configs(Map.of("message.timestamp.type", "CreateTime"))))
        .all()
        .get();

    TopicBootstrap.Report report = new TopicBootstrap(admin, (short) 1).ensure(topics.specs());

    assertThat(report.existing())
        .containsExactlyInAnyOrder(topics.alarmState().name(), topics.metrics().name());
    assertThat(report.created())
        .hasSize(topics.specs().size() - 2)
        .doesNotContain(topics.alarmState().name(), topics.metrics().name());
    assertThat(report.conflicts())
        .containsExactlyInAnyOrder(
            "conflict.alarm-state: partitions 2, expected 6 (not changed)",
            "conflict.alarm-state: cleanup.policy=delete, expected compact (not changed)",
            "conflict.metrics: message.timestamp.type=CreateTime, expected LogAppendTime (not"
                + " changed)");
    assertThat(
            admin
                .describeTopics(List.of(topics.alarmState().name()))
                .allTopicNames()
                .get()
                .get(topics.alarmState().name())
                .partitions())
        .as("an existing topic is never altered")
        .hasSize(2);
    assertThat(topicConfig(topics.alarmState().name()).get("cleanup.policy").value())
        .isEqualTo("delete");
  }

  @Test
  void shouldDeliverMetricStampedWithAppendTimeWhenEventTimeIsWeeksOld() throws Exception {
    Instant eventTime = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    MetricPoint point =
        new MetricPoint(
            SeriesId.of("AWS/EC2", "CPUUtilization", Map.of("InstanceId", "i-0abc")),
            eventTime,
            97.5,
            "Percent");
    long beforeSend = System.currentTimeMillis();

    RecordMetadata sent;
    try (KafkaProducer<String, MetricPoint> producer =
        producer(Codecs.METRIC_POINT.serializer(), Map.of())) {
      sent =
          producer
              .send(
                  new ProducerRecord<>(
                      TOPICS.metrics().name(),
                      null,
                      eventTime.toEpochMilli(),
                      point.series().key(),
                      point))
              .get();
    }

    List<ConsumerRecord<String, MetricPoint>> received =
        consumeSubscribed(TOPICS.metrics().name(), Codecs.METRIC_POINT, 1);
    ConsumerRecord<String, MetricPoint> record = received.get(0);
    assertThat(record.key()).isEqualTo("AWS/EC2/CPUUtilization{InstanceId=i-0abc}");
    assertThat(record.value()).isEqualTo(point);
    assertThat(record.partition()).isEqualTo(sent.partition());
    assertThat(record.timestampType())
        .as("back-dated records must not be deleted by time-based retention")
        .isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(record.timestamp()).isGreaterThanOrEqualTo(beforeSend - 1_000);
    assertThat(record.value().timestamp())
        .as("event time travels in the value")
        .isEqualTo(eventTime);
  }

  @Test
  void shouldShowOnlyCommittedRecordsToReadCommittedConsumerWhenTransactionsAreUsed()
      throws Exception {
    String topic = TOPICS.actions().name();
    String key = "txn-ledger-key";
    ActionRecord aborted = action(key, "aborted", ActionRecord.Phase.REQUESTED);
    ActionRecord requested = action(key, "committed", ActionRecord.Phase.REQUESTED);
    ActionRecord succeeded = action(key, "committed", ActionRecord.Phase.SUCCEEDED);

    try (KafkaProducer<String, ActionRecord> producer =
        producer(
            Codecs.ACTION_RECORD.serializer(),
            Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tidewatch-test-ledger",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000"))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, key, aborted)).get();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, key, requested));
      producer.send(new ProducerRecord<>(topic, key, succeeded));
      producer.commitTransaction();
    }

    List<ActionRecord> seen = new ArrayList<>();
    try (KafkaConsumer<String, ActionRecord> consumer =
        consumer(
            Codecs.ACTION_RECORD,
            Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      List<TopicPartition> partitions = partitionsOf(topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.contains(succeeded);
              });
    }

    assertThat(seen).containsExactly(requested, succeeded);
  }

  @Test
  void shouldNotCreateTopicWhenProducingToAnUnknownOne() throws Exception {
    Throwable thrown;
    try (KafkaProducer<String, String> producer =
        producer(new StringSerializer(), Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1500"))) {
      thrown = catchThrowable(() -> producer.send(new ProducerRecord<>("tw.typo", "k", "v")).get());
    }

    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(TimeoutException.class);
    assertThat(admin.listTopics().names().get()).doesNotContain("tw.typo");
  }

  @Test
  void shouldKeepTopicsAndRecordsWhenRestartedOnTheSameDataDir(@TempDir Path dataDir)
      throws Exception {
    Topics topics = new Topics("restart.");
    List<LogEvent> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(
          new LogEvent(
              Instant.parse("2024-04-01T00:00:00Z").plusSeconds(i),
              Instant.parse("2024-05-01T00:00:00Z"),
              "/nginx/access",
              "web-" + (i % 3),
              "GET /item/" + i + " 200",
              Map.of("status", 200L, "item", (long) i),
              null));
    }
    String clusterId;
    try (EmbeddedBroker first = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dataDir, 0));
        Admin firstAdmin = Admin.create(first.clientConfig())) {
      assertThat(new TopicBootstrap(firstAdmin, (short) 1).ensure(topics.specs()).created())
          .hasSize(topics.specs().size());
      clusterId = firstAdmin.describeCluster().clusterId().get();
      try (KafkaProducer<String, LogEvent> producer =
          producer(first, Codecs.LOG_EVENT.serializer(), Map.of())) {
        for (LogEvent event : sent) {
          producer.send(new ProducerRecord<>(topics.logs().name(), event.key(), event)).get();
        }
      }
    }

    try (EmbeddedBroker second = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dataDir, 0));
        Admin secondAdmin = Admin.create(second.clientConfig())) {
      assertThat(secondAdmin.describeCluster().clusterId().get())
          .as("the data dir is not formatted again")
          .isEqualTo(clusterId);
      TopicBootstrap.Report report =
          new TopicBootstrap(secondAdmin, (short) 1).ensure(topics.specs());
      assertThat(report.created()).isEmpty();
      assertThat(report.existing()).containsExactlyInAnyOrderElementsOf(names(topics.specs()));
      assertThat(report.conflicts()).isEmpty();

      List<ConsumerRecord<String, LogEvent>> received =
          consumeAssigned(second, secondAdmin, topics.logs().name(), Codecs.LOG_EVENT, sent.size());
      assertThat(received)
          .extracting(ConsumerRecord::value)
          .containsExactlyInAnyOrderElementsOf(sent);
      Map<String, List<LogEvent>> perKey =
          received.stream()
              .collect(
                  Collectors.groupingBy(
                      ConsumerRecord::key,
                      Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
      for (Map.Entry<String, List<LogEvent>> entry : perKey.entrySet()) {
        assertThat(entry.getValue())
            .as("order within key %s", entry.getKey())
            .containsExactlyElementsOf(
                sent.stream().filter(e -> e.key().equals(entry.getKey())).toList());
      }
    }
  }

  @Test
  void shouldRefuseToStartNamingTheWayOutWhenPortIsHeld(@TempDir Path dataDir) throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = held.getLocalPort();

      assertThatThrownBy(() -> EmbeddedBroker.start(EmbeddedBroker.Settings.of(dataDir, port)))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining(Integer.toString(port))
          .hasMessageContaining("--kafka-port 0")
          .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(port));
    }
  }

  @Test
  void shouldRefuseToStartWhenPortIsHeldOnEveryInterface(@TempDir Path dataDir) throws Exception {
    try (ServerSocket held = new ServerSocket(0)) {
      int port = held.getLocalPort();

      assertThatThrownBy(() -> EmbeddedBroker.start(EmbeddedBroker.Settings.of(dataDir, port)))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("--kafka-port 0");
    }
  }

  @Test
  void shouldRefuseSettingsWhenPortIsOutOfRange(@TempDir Path dataDir) {
    assertThatThrownBy(() -> EmbeddedBroker.Settings.of(dataDir, 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536");
    assertThatThrownBy(() -> EmbeddedBroker.Settings.of(dataDir, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  private static ActionRecord action(String key, String transition, ActionRecord.Phase phase) {
    return new ActionRecord(
        key,
        transition,
        "web-cpu-high",
        "notify-ops",
        "slack",
        phase,
        1,
        Instant.parse("2024-05-01T12:00:00Z"),
        Map.of("channel", "#ops"));
  }

  private static List<String> names(List<TopicSpec> specs) {
    return specs.stream().map(TopicSpec::name).toList();
  }

  private static Config topicConfig(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource);
  }

  /** The partitions of {@code topic} whose log is on the broker. */
  private static List<TopicPartition> hostedPartitions(String topic) throws Exception {
    List<Integer> brokers =
        admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
    return admin.describeLogDirs(brokers).allDescriptions().get().values().stream()
        .flatMap(dirs -> dirs.values().stream())
        .flatMap(dir -> dir.replicaInfos().keySet().stream())
        .filter(partition -> partition.topic().equals(topic))
        .toList();
  }

  private static List<TopicPartition> partitionsOf(String topic) throws Exception {
    return partitionsOf(admin, topic);
  }

  private static List<TopicPartition> partitionsOf(Admin client, String topic) throws Exception {
    return client
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private static <V> KafkaProducer<String, V> producer(
      Serializer<V> values, Map<String, Object> extra) {
    return producer(broker, values, extra);
  }

  private static <V> KafkaProducer<String, V> producer(
      EmbeddedBroker target, Serializer<V> values, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
    config.putAll(extra);
    return new KafkaProducer<>(config, new StringSerializer(), values);
  }

  private static <V> KafkaConsumer<String, V> consumer(Codec<V> codec, Map<String, Object> extra) {
    return consumer(broker, codec, extra);
  }

  private static <V> KafkaConsumer<String, V> consumer(
      EmbeddedBroker target, Codec<V> codec, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.putAll(extra);
    Deserializer<V> values = codec.deserializer();
    return new KafkaConsumer<>(config, new StringDeserializer(), values);
  }

  /** Reads through a consumer group, which needs the offsets topic of the single node. */
  private static <V> List<ConsumerRecord<String, V>> consumeSubscribed(
      String topic, Codec<V> codec, int count) {
    List<ConsumerRecord<String, V>> received = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        consumer(codec, Map.of(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic))) {
      consumer.subscribe(Set.of(topic));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= count;
              });
      consumer.commitSync();
    }
    return received;
  }

  private static <V> List<ConsumerRecord<String, V>> consumeAssigned(
      EmbeddedBroker target, Admin client, String topic, Codec<V> codec, int count)
      throws Exception {
    List<ConsumerRecord<String, V>> received = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = consumer(target, codec, Map.of())) {
      List<TopicPartition> partitions = partitionsOf(client, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= count;
              });
      // nothing beyond what was sent: the end offsets add up to the count
      long total =
          consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
      assertThat(total).isEqualTo(count);
    }
    return received;
  }
}
