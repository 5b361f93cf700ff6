package io.tidewatch.actions.core;

import io.tidewatch.actions.policy.NotificationPolicy;
import io.tidewatch.actions.policy.SilenceStore;
import io.tidewatch.actions.policy.SilenceTopic;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.AlarmActions;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.ComparisonOperator;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.TreatMissingData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test support for action workers on the embedded broker: topics under a unique prefix, publishing
 * alarm events, reading the ledger, the dead letters and the alarm events back. Part of the
 * compatibility kit's test-jar.
 */
public final class WorkerTestBed implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final EmbeddedBroker broker;
  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final List<ActionWorker> workers = new ArrayList<>();
  private final AtomicReference<RuleSet> rules = new AtomicReference<>(RuleSet.empty());
  private final AtomicReference<NotificationPolicy> policy =
      new AtomicReference<>(NotificationPolicy.none());
  private final List<SilenceStore> stores = new ArrayList<>();

  private WorkerTestBed(EmbeddedBroker broker, Topics topics) {
    this.broker = broker;
    this.topics = topics;
    Map<String, Object> config = new HashMap<>(broker.clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** Creates the Tidewatch topics under a prefix no other test uses. */
  public static WorkerTestBed create(EmbeddedBroker broker, String name)
      throws InterruptedException {
    Topics topics =
        new Topics(
            "t" + COUNTER.incrementAndGet() + "-" + name + "-" + System.nanoTime() % 100000 + ".");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    return new WorkerTestBed(broker, topics);
  }

  public Topics topics() {
    return topics;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public EmbeddedBroker broker() {
    return broker;
  }

  /** A worker configuration for tests: fast retries, empty environment, its own group. */
  public ActionWorkerConfig config() {
    return ActionWorkerConfig.of(broker.bootstrapServers(), topics)
        .withRetry(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200), 2.0))
        .withEnvironment(Map.of());
  }

  /** The rules the workers of this test bed see; change them with {@link #rules(RuleSet)}. */
  public void rules(RuleSet next) {
    rules.set(next);
  }

  /** The notification policy the workers of this test bed see. */
  public void policy(NotificationPolicy next) {
    policy.set(next);
  }

  /** A silence store on this test bed's silences topic, as the CLI opens it. */
  public SilenceStore silences() throws InterruptedException {
    SilenceStore store =
        SilenceStore.open(
            broker.bootstrapServers(), Map.of(), SilenceTopic.of(topics), Clock.systemUTC());
    stores.add(store);
    return store;
  }

  public ActionWorker startWorker(ActionWorkerConfig config, ProviderRegistry registry)
      throws InterruptedException {
    ActionWorker worker =
        new ActionWorker(config, rules::get, policy::get, Clock.systemUTC(), registry);
    workers.add(worker);
    worker.start();
    return worker;
  }

  public void publish(AlarmStateChange event) {
    send(
        topics.alarmEvents().name(),
        event.alarmInstance(),
        topics.alarmEvents().codec().encode(event));
  }

  public void send(String topic, String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish to " + topic, e);
    }
  }

  /** Every ledger record, in offset order per partition. */
  public List<ActionRecord> ledger() {
    return readAll(topics.actions().name()).stream()
        .filter(record -> record.value() != null)
        .map(record -> topics.actions().codec().decode(record))
        .toList();
  }

  /** The ledger records of one key, in the order they were written. */
  public List<ActionRecord> ledger(String actionKey) {
    return ledger().stream().filter(record -> record.actionKey().equals(actionKey)).toList();
  }

  public List<ActionRecord.Phase> phases(String actionKey) {
    return ledger(actionKey).stream().map(ActionRecord::phase).toList();
  }

  public List<ConsumerRecord<String, byte[]>> deadLetters() {
    return readAll(topics.dlq("actions").name());
  }

  /** The alarm events (records that are not alarm events are left out). */
  public List<AlarmStateChange> alarmEvents() {
    List<AlarmStateChange> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : readAll(topics.alarmEvents().name())) {
      try {
        if (record.value() != null) {
          events.add(topics.alarmEvents().codec().decode(record));
        }
      } catch (io.tidewatch.model.codec.MalformedRecordException e) {
        // a poison record put there by the test
      }
    }
    return events;
  }

  /** Header values of a record, by name (the last one wins). */
  public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
    Map<String, String> headers = new TreeMap<>();
    record
        .headers()
        .forEach(
            header ->
                headers.put(
                    header.key(),
                    header.value() == null
                        ? null
                        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8)));
    return headers;
  }

  public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    Map<String, Object> config = new HashMap<>(broker.clientConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      List<TopicPartition> partitions =
          infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (partitions.stream()
          .anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("cannot read " + topic + " to its end");
        }
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      records.sort(
          java.util.Comparator.comparingLong(
                  (ConsumerRecord<String, byte[]> record) -> record.timestamp())
              .thenComparingInt(ConsumerRecord::partition)
              .thenComparingLong(ConsumerRecord::offset));
      return records;
    }
  }

  @Override
  public void close() {
    workers.forEach(ActionWorker::close);
    stores.forEach(SilenceStore::close);
    producer.close(Duration.ofSeconds(5));
  }

  // --- events and rules --------------------------------------------------------------------

  /** A transition like the alarm processor emits; its id is stable for the same arguments. */
  public static AlarmStateChange event(
      String alarm,
      Map<String, String> instance,
      AlarmState state,
      AlarmState previous,
      Instant at) {
    return event(alarm, instance, state, previous, at, Map.of());
  }

  public static AlarmStateChange event(
      String alarm,
      Map<String, String> instance,
      AlarmState state,
      AlarmState previous,
      Instant at,
      Map<String, String> labels) {
    String instanceId = instanceId(alarm, instance);
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            alarm,
            instanceId,
            instance,
            new AlarmStateChange.State(
                state,
                "Threshold Crossed: test transition to " + state,
                "{\"version\":\"1.0\",\"statistic\":\"Average\",\"period\":60,"
                    + "\"recentDatapoints\":[50.0,80.0,91.2],\"threshold\":70.0}",
                at),
            previous == null
                ? null
                : new AlarmStateChange.State(
                    previous, "previous", null, at.minus(Duration.ofMinutes(12))),
            new AlarmStateChange.Configuration(
                "CPU above 70% for 3 of the last 5 minutes",
                "Host",
                "cpu_utilization",
                Map.of("service", "web"),
                "Average",
                60,
                5,
                3,
                "GreaterThanThreshold",
                70.0,
                "missing"),
            labels,
            null);
    return AlarmStateChange.of(ActionKeys.of(instanceId + "@" + at, state.name()), at, detail);
  }

  public static String instanceId(String alarm, Map<String, String> instance) {
    if (instance.isEmpty()) {
      return alarm;
    }
    return alarm
        + new TreeMap<>(instance)
            .entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(",", "{", "}"));
  }

  public static AlarmRule alarm(String name, AlarmActions actions, Map<String, String> labels) {
    return new AlarmRule(
        name,
        "CPU above 70% for 3 of the last 5 minutes",
        new MetricSelector("Host", "cpu_utilization", Map.of("service", "web")),
        List.of("host"),
        Statistic.AVERAGE,
        Duration.ofMinutes(1),
        5,
        3,
        7,
        ComparisonOperator.GreaterThanThreshold,
        70,
        TreatMissingData.missing,
        Duration.ZERO,
        actions,
        labels,
        null);
  }

  public static RuleSet rules(List<AlarmRule> alarms, ActionDefinition... actions) {
    return new RuleSet(
        alarms,
        Arrays.stream(actions).collect(Collectors.toMap(ActionDefinition::name, action -> action)));
  }
}
