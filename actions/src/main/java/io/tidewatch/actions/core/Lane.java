package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.model.topic.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's view of {@code tw.alarm-events}: a consumer group of its own ({@code
 * groupId.type}), so a slow provider holds back only its own work, never another provider's nor the
 * alarm evaluation. Offsets are committed after the intake has recorded each event in the ledger;
 * the consumer pauses while the provider has more than {@code maxInFlight} unfinished jobs.
 */
final class Lane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration BACKOFF = Duration.ofSeconds(2);

  private final String name;
  private final Intake intake;
  private final Attempts attempts;
  private final WorkerContext context;
  private final int maxInFlight;
  private final Topic<AlarmStateChange> events;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private Thread thread;

  Lane(String name, Intake intake, Attempts attempts, WorkerContext context, int maxInFlight) {
    this.name = name;
    this.intake = intake;
    this.attempts = attempts;
    this.context = context;
    this.maxInFlight = maxInFlight;
    this.events = context.config().topics().alarmEvents();
    Map<String, Object> config = new HashMap<>(context.config().kafka());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.config().bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, context.config().groupId() + "." + name);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, context.config().groupId() + "." + name);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  String name() {
    return name;
  }

  void start() {
    thread = new Thread(this::run, "tidewatch-actions-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until the lane owns partitions and has resumed their unfinished work. */
  boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      consumer.subscribe(Set.of(events.name()), new Rebalance());
      while (running.get()) {
        pauseOrResume();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        if (!records.isEmpty()) {
          handle(records);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        LOG.error("lane {} woken up unexpectedly", name, e);
      }
    } catch (RuntimeException e) {
      LOG.error("lane {} stopped: {}", name, e.getMessage(), e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void pauseOrResume() {
    Set<TopicPartition> assignment = consumer.assignment();
    if (intake.inFlight() >= maxInFlight) {
      if (!consumer.paused().containsAll(assignment)) {
        LOG.info("lane {} has {} unfinished jobs; pausing its consumer", name, intake.inFlight());
        consumer.pause(assignment);
      }
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  /**
   * Accepts records until the lane is full; the rest are sought back and read again after the
   * consumer resumes, so at most {@code maxInFlight} jobs are ever held.
   */
  private void handle(ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    boolean full = false;
    try {
      for (ConsumerRecord<String, byte[]> record : records) {
        if (intake.inFlight() >= maxInFlight) {
          full = true;
          break;
        }
        accept(record);
        done.put(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1));
      }
    } catch (ActionLedger.LedgerUnavailableException e) {
      LOG.warn("lane {}: the ledger is unavailable, retrying: {}", name, e.getMessage());
      full = true;
      sleep(BACKOFF);
    }
    if (!done.isEmpty()) {
      consumer.commitSync(done);
    }
    if (full) {
      for (TopicPartition partition : records.partitions()) {
        OffsetAndMetadata next = done.get(partition);
        consumer.seek(
            partition, next != null ? next.offset() : records.records(partition).get(0).offset());
      }
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    DeadLetters.Origin origin =
        new DeadLetters.Origin(record.topic(), record.partition(), record.offset());
    if (record.value() == null) {
      return;
    }
    AlarmStateChange event;
    try {
      event = events.codec().decode(record);
    } catch (MalformedRecordException e) {
      intake.unreadable(record.key(), record.value(), origin, e.getMessage());
      return;
    }
    intake.accept(event, origin);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Resumes unfinished work of the partitions the lane receives, after catching up the ledger. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        assigned.countDown();
        return;
      }
      startFromLookbackWhenNew(partitions);
      try {
        context.ledger().catchUp(context.config().startTimeout());
      } catch (TimeoutException e) {
        LOG.warn("lane {}: the ledger did not catch up in time; resuming with what it has", name);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Set<Integer> numbers =
          partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
      intake.recover(numbers);
      assigned.countDown();
    }
  }

  /**
   * A group's first start: act only on events newer than {@code initialLookback}, not on the whole
   * retained history.
   */
  private void startFromLookbackWhenNew(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new HashSet<>(partitions));
    Map<TopicPartition, Long> fresh = new HashMap<>();
    long since = System.currentTimeMillis() - context.config().initialLookback().toMillis();
    for (TopicPartition partition : partitions) {
      if (committed.get(partition) == null) {
        fresh.put(partition, since);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(fresh);
    Map<TopicPartition, Long> ends = consumer.endOffsets(fresh.keySet());
    for (TopicPartition partition : fresh.keySet()) {
      OffsetAndTimestamp offset = offsets.get(partition);
      if (offset == null) {
        consumer.seek(partition, ends.get(partition));
      } else {
        consumer.seek(partition, offset.offset());
      }
    }
    LOG.info(
        "lane {}: first start of group {}; acting on events of the last {}",
        name,
        context.config().groupId() + "." + name,
        context.config().initialLookback());
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    attempts.close();
  }
}
