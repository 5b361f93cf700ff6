package io.tidewatch.actions.policy;

import io.tidewatch.model.codec.JsonCodec;
import io.tidewatch.model.codec.MalformedRecordException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences on their compacted topic: what {@code tidewatch silence add|list|expire} uses, and what
 * action workers follow to mute notifications. Opening reads the topic to its end; the store then
 * follows it on a thread of its own, so silences written by other processes appear within a moment.
 *
 * <pre>{@code
 * try (SilenceStore silences = SilenceStore.open(bootstrap, Map.of(), SilenceTopic.of(topics), Clock.systemUTC())) {
 *   Silence s = silences.add(List.of(Matcher.parse("alarmName=\"web-cpu-high\"")),
 *       now, now.plus(Duration.ofHours(2)), "alice", "deploying web");
 *   silences.list();
 *   silences.expire(s.id());
 * }
 * }</pre>
 */
public final class SilenceStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SilenceStore.class);
  private static final JsonCodec<Silence> CODEC = new JsonCodec<>(Silence.class);
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

  private final SilenceTopic topic;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, Versioned> silences = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private Thread thread;

  private record Versioned(Silence silence, long offset) {}

  private SilenceStore(
      String bootstrapServers, Map<String, Object> kafka, SilenceTopic topic, Clock clock) {
    this.topic = topic;
    this.clock = clock;
    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Connects, creates the topic if it is missing, reads every silence and starts following.
   *
   * @param kafka extra client settings (security); may be empty
   * @throws IllegalStateException when Kafka cannot be reached or the topic not read in time
   */
  public static SilenceStore open(
      String bootstrapServers, Map<String, Object> kafka, SilenceTopic topic, Clock clock)
      throws InterruptedException {
    Map<String, Object> adminConfig = new HashMap<>(kafka);
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(adminConfig)) {
      topic.ensure(admin);
    }
    return connect(bootstrapServers, kafka, topic, clock);
  }

  /**
   * Like {@link #open} for a topic that must already exist: creates nothing, so that a command that
   * only reads silences leaves the cluster as it found it.
   */
  public static SilenceStore connect(
      String bootstrapServers, Map<String, Object> kafka, SilenceTopic topic, Clock clock)
      throws InterruptedException {
    SilenceStore store = new SilenceStore(bootstrapServers, kafka, topic, clock);
    try {
      store.start();
      return store;
    } catch (RuntimeException | InterruptedException e) {
      store.close();
      throw e;
    }
  }

  private void start() throws InterruptedException {
    long deadline = System.nanoTime() + OPEN_TIMEOUT.toNanos();
    List<PartitionInfo> infos = List.of();
    while (infos == null || infos.isEmpty()) {
      infos = consumer.partitionsFor(topic.name(), OPEN_TIMEOUT);
      if ((infos == null || infos.isEmpty()) && System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the silences topic " + topic.name() + " has no partitions");
      }
      if (infos == null || infos.isEmpty()) {
        Thread.sleep(100);
      }
    }
    List<TopicPartition> partitions =
        infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, OPEN_TIMEOUT);
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "cannot read the silences topic " + topic.name() + " in " + OPEN_TIMEOUT);
      }
      pollOnce();
    }
    thread = new Thread(this::follow, "tidewatch-silences");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    try {
      while (running.get()) {
        pollOnce();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        LOG.error("the silences reader was woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("the silences reader stopped; silences may be stale", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void pollOnce() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
      if (record.key() == null) {
        continue;
      }
      if (record.value() == null) {
        silences.remove(record.key());
        continue;
      }
      try {
        apply(CODEC.decode(record), record.offset());
      } catch (MalformedRecordException e) {
        LOG.warn("skipping a malformed silence: {}", e.getMessage());
      }
    }
  }

  private void apply(Silence silence, long offset) {
    silences.merge(
        silence.id(),
        new Versioned(silence, offset),
        (old, candidate) -> candidate.offset() > old.offset() ? candidate : old);
  }

  /**
   * Adds a silence.
   *
   * @throws IllegalArgumentException listing every problem: no matchers, only matchers that match
   *     anything (a silence of everything is refused), {@code endsAt} not after {@code startsAt} or
   *     already past, no author, no comment
   */
  public Silence add(
      List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    if (matchers == null || matchers.isEmpty()) {
      problems.add("matchers: at least one, like alarmName=\"web-cpu-high\"");
    } else if (matchers.stream().allMatch(matcher -> matcher.matches(Map.of()))) {
      problems.add(
          "matchers: at least one must need a label to be set (e.g. alarmName=\"web-cpu-high\");"
              + " a silence that mutes every alert is refused");
    }
    if (startsAt == null || endsAt == null || !endsAt.isAfter(startsAt)) {
      problems.add("endsAt: after startsAt. Found: " + startsAt + " .. " + endsAt);
    } else if (!endsAt.isAfter(now)) {
      problems.add("endsAt: in the future. Found: " + endsAt);
    }
    if (createdBy == null || createdBy.isBlank()) {
      problems.add("createdBy: who creates the silence");
    }
    if (comment == null || comment.isBlank()) {
      problems.add("comment: why (a ticket, a deploy, ...)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid silence: " + String.join("; ", problems));
    }
    Silence silence =
        new Silence(
            UUID.randomUUID().toString(),
            matchers,
            startsAt,
            endsAt,
            createdBy.strip(),
            comment.strip(),
            now);
    write(silence);
    return silence;
  }

  /** Every silence known, active, pending and expired, by start time. */
  public List<Silence> list() {
    return silences.values().stream()
        .map(Versioned::silence)
        .sorted(Comparator.comparing(Silence::startsAt).thenComparing(Silence::id))
        .toList();
  }

  public Optional<Silence> get(String id) {
    return Optional.ofNullable(silences.get(id)).map(Versioned::silence);
  }

  /**
   * Ends a silence now.
   *
   * @throws NoSuchElementException when no silence has this id
   * @throws IllegalStateException when it has already expired
   */
  public Silence expire(String id) {
    Silence current =
        get(id).orElseThrow(() -> new NoSuchElementException("no silence with id " + id));
    Instant now = clock.instant();
    if (current.status(now) == Silence.Status.EXPIRED) {
      throw new IllegalStateException("silence " + id + " already expired at " + current.endsAt());
    }
    Instant start = current.startsAt().isAfter(now) ? now : current.startsAt();
    Silence expired =
        new Silence(
            current.id(),
            current.matchers(),
            start,
            now,
            current.createdBy(),
            current.comment(),
            now);
    write(expired);
    return expired;
  }

  /** The active silence that mutes an alert with these labels at {@code at}, if any. */
  public Optional<Silence> muting(Map<String, String> labels, Instant at) {
    return silences.values().stream()
        .map(Versioned::silence)
        .filter(silence -> silence.mutes(labels, at))
        .findFirst();
  }

  private void write(Silence silence) {
    try {
      long offset =
          producer
              .send(new ProducerRecord<>(topic.name(), silence.id(), CODEC.encode(silence)))
              .get(30, TimeUnit.SECONDS)
              .offset();
      apply(silence, offset);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing silence " + silence.id(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot write to the silences topic " + topic.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
    producer.close(Duration.ofSeconds(5));
  }
}
