package io.tidewatch.actions.core;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.model.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * The action ledger on {@code tw.actions}, read like a table: on start the whole topic is read to
 * its end, then it is followed, so every worker sees what every other one recorded. Writes are
 * synchronous ({@code acks=all}) and applied to the local view at once; the view keeps, per action
 * key, the record with the highest offset, so the tail never moves it backwards.
 *
 * <p>The topic is compacted: only the newest record of a key is guaranteed to survive. Every record
 * therefore carries what a restart needs ({@link #EVENT} while work is open, the provider's detail
 * after success), and a {@code DUPLICATE_SKIPPED} record copies the state it duplicates ({@link
 * #DUPLICATE_OF}).
 */
final class ActionLedger implements AutoCloseable {

  /** The alarm event (JSON) that asked for the action, kept while work on the key is open. */
  static final String EVENT = "event";

  /** On a {@code DUPLICATE_SKIPPED} record: the phase of the record it duplicates. */
  static final String DUPLICATE_OF = "duplicateOf";

  /** On a {@code FAILED} record: {@code true} when no further attempt follows. */
  static final String FINAL = "final";

  static final String ERROR = "error";
  static final String DRY_RUN = "dryRun";
  static final String SOURCE_TOPIC = "source.topic";
  static final String SOURCE_PARTITION = "source.partition";
  static final String SOURCE_OFFSET = "source.offset";

  private static final Logger LOG = LoggerFactory.getLogger(ActionLedger.class);
  private static final int STRIPES = 64;

  /**
   * The newest record of a key.
   *
   * @param phase the effective phase: a duplicate's {@link #DUPLICATE_OF}
   */
  record Entry(ActionRecord record, Phase phase, int partition, long offset) {

    /** Nothing more will be done for this key. */
    boolean terminal() {
      return switch (phase) {
        case SUCCEEDED, DRY_RUN -> true;
        case FAILED -> "true".equals(record.detail().get(FINAL));
        case REQUESTED, DUPLICATE_SKIPPED -> false;
      };
    }

    /** An attempt was started and its outcome was never recorded: a crash in between. */
    boolean uncertain() {
      return phase == Phase.REQUESTED && record.attempt() >= 1;
    }

    Map<String, String> detail() {
      return record.detail();
    }
  }

  private final Topic<ActionRecord> topic;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> tail;
  private final Map<String, Entry> view = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[STRIPES];
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUps =
      new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong malformed = new AtomicLong();
  private List<TopicPartition> partitions = List.of();
  private Thread thread;

  ActionLedger(
      String bootstrapServers, Topic<ActionRecord> topic, Map<String, Object> kafka, String id) {
    this.topic = topic;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, id + "-ledger-writer");
    this.producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, id + "-ledger-reader");
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.tail =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads the ledger to its end, then follows it on a thread of its own. */
  void start(Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<PartitionInfo> infos = tail.partitionsFor(topic.name(), timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "the action ledger topic "
              + topic.name()
              + " does not exist; create the Tidewatch topics first (TopicBootstrap)");
    }
    partitions =
        infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    tail.assign(partitions);
    tail.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = tail.endOffsets(partitions, timeout);
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the action ledger " + topic.name() + " could not be read to its end in " + timeout);
      }
      pollOnce();
    }
    LOG.info("action ledger {} read: {} keys", topic.name(), view.size());
    thread = new Thread(this::follow, "tidewatch-ledger-" + topic.name());
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    try {
      while (running.get()) {
        pollOnce();
        serveCatchUps();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("the action ledger reader stopped", e);
      waiting.forEach(future -> future.completeExceptionally(e));
      CompletableFuture<Void> next;
      while ((next = catchUps.poll()) != null) {
        next.completeExceptionally(e);
      }
    } finally {
      tail.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private Map<TopicPartition, Long> waitingFor;

  /** Serves catch-up requests on the reader thread: one end-offset lookup per batch of waiters. */
  private void serveCatchUps() {
    if (waiting.isEmpty()) {
      CompletableFuture<Void> next;
      while ((next = catchUps.poll()) != null) {
        waiting.add(next);
      }
      if (waiting.isEmpty()) {
        return;
      }
      waitingFor = tail.endOffsets(partitions, Duration.ofSeconds(10));
    }
    if (reached(waitingFor)) {
      waiting.forEach(future -> future.complete(null));
      waiting.clear();
    }
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      if (tail.position(partition.getKey()) < partition.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void pollOnce() {
    for (ConsumerRecord<String, byte[]> record : tail.poll(Duration.ofMillis(100))) {
      if (record.key() == null) {
        continue;
      }
      if (record.value() == null) {
        view.remove(record.key());
        continue;
      }
      try {
        apply(topic.codec().decode(record), record.partition(), record.offset());
      } catch (MalformedRecordException e) {
        malformed.incrementAndGet();
        LOG.warn("skipping a malformed action ledger record: {}", e.getMessage());
      }
    }
  }

  private Entry apply(ActionRecord record, int partition, long offset) {
    Phase phase = record.phase();
    if (phase == Phase.DUPLICATE_SKIPPED) {
      String of = record.detail().get(DUPLICATE_OF);
      phase = of == null ? Phase.SUCCEEDED : Phase.valueOf(of);
    }
    Entry entry = new Entry(record, phase, partition, offset);
    return view.merge(
        record.actionKey(),
        entry,
        (old, candidate) -> candidate.offset() > old.offset() ? candidate : old);
  }

  /**
   * Waits until this view holds everything written to the ledger before the call (for example by a
   * worker that owned a partition before a rebalance).
   */
  void catchUp(Duration timeout) throws TimeoutException, InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    catchUps.add(done);
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the action ledger reader failed", e.getCause());
    }
  }

  Optional<Entry> get(String actionKey) {
    return Optional.ofNullable(view.get(actionKey));
  }

  Collection<Entry> entries() {
    return List.copyOf(view.values());
  }

  long malformedRecords() {
    return malformed.get();
  }

  /** Writes a record and waits for the broker's acknowledgement. */
  Entry write(ActionRecord record) {
    synchronized (stripe(record.actionKey())) {
      return send(record);
    }
  }

  /**
   * Records that a key was asked for again ({@code DUPLICATE_SKIPPED}), copying the state it
   * duplicates so that compaction keeps it.
   *
   * @return the entry it duplicates
   */
  Entry markDuplicate(String actionKey, String transitionId, Instant now, String why) {
    synchronized (stripe(actionKey)) {
      Entry current =
          get(actionKey)
              .orElseThrow(() -> new IllegalStateException("no ledger entry for " + actionKey));
      ActionRecord old = current.record();
      Map<String, String> detail = new HashMap<>(old.detail());
      detail.put(DUPLICATE_OF, current.phase().name());
      detail.put("duplicateReason", why);
      send(
          new ActionRecord(
              actionKey,
              transitionId,
              old.alarmInstance(),
              old.action(),
              old.type(),
              Phase.DUPLICATE_SKIPPED,
              old.attempt(),
              now,
              detail));
      return current;
    }
  }

  private Entry send(ActionRecord record) {
    try {
      RecordMetadata metadata =
          producer
              .send(
                  new ProducerRecord<>(
                      topic.name(), record.actionKey(), topic.codec().encode(record)))
              .get(60, TimeUnit.SECONDS);
      return apply(record, metadata.partition(), metadata.offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerUnavailableException("interrupted while writing to the action ledger", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new LedgerUnavailableException(
          "cannot write to the action ledger " + topic.name() + ": " + e.getMessage(), e);
    }
  }

  private Object stripe(String key) {
    return stripes[Math.floorMod(key.hashCode(), STRIPES)];
  }

  @Override
  public void close() {
    running.set(false);
    tail.wakeup();
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      tail.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
    producer.close(Duration.ofSeconds(5));
  }

  /** The ledger cannot be written: the worker must not act without it. */
  static final class LedgerUnavailableException extends RuntimeException {
    LedgerUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
