package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.model.topic.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's view of {@code tw.alarm-events}: a consumer group of its own ({@code
 * groupId.type}), so a slow provider holds back only its own work, never another provider's nor the
 * alarm evaluation. Offsets are committed after the intake has recorded each event in the ledger;
 * the consumer pauses while the provider has more than {@code maxInFlight} unfinished jobs.
 *
 * <p>A lane outlives its consumer's troubles. A commit refused because the group rebalanced (the
 * process was paused past {@code session.timeout.ms} or {@code max.poll.interval.ms}, a broker
 * moved the group) is logged and the consumer re-joins at its next poll: the events read since the
 * last commit come again and the ledger recognises them. Any other failure closes the consumer and
 * starts a new one, with the backoff of {@link ActionWorkerConfig#laneRestart()}; on assignment the
 * lane catches up the ledger and resumes its unfinished work. Only when restarting fails that many
 * times in a row does the lane stop for good, and then it says so: its {@link LaneStatus} turns
 * down and the worker is told ({@link Stopped}), which raises the failure signal.
 */
final class Lane implements AutoCloseable {

  /** Told once, on the lane's thread, when the lane stops for good. */
  interface Stopped {
    void stopped(LaneStatus status, RuntimeException cause);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration BACKOFF = Duration.ofSeconds(2);

  private final String name;
  private final Intake intake;
  private final Attempts attempts;
  private final WorkerContext context;
  private final int maxInFlight;
  private final Topic<AlarmStateChange> events;
  private final Stopped stopped;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final AtomicInteger recoveries = new AtomicInteger();
  private final RandomGenerator random = RandomGenerator.getDefault();
  private volatile KafkaConsumer<String, byte[]> consumer;

  /** The current consumer session committed offsets. */
  private volatile boolean healthy;

  private volatile String failure;
  private Thread thread;

  Lane(
      String name,
      Intake intake,
      Attempts attempts,
      WorkerContext context,
      int maxInFlight,
      Stopped stopped) {
    this.name = name;
    this.intake = intake;
    this.attempts = attempts;
    this.context = context;
    this.maxInFlight = maxInFlight;
    this.stopped = stopped;
    this.events = context.config().topics().alarmEvents();
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Map<String, Object> config = new HashMap<>(context.config().kafka());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.config().bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, context.config().groupId() + "." + name);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, context.config().groupId() + "." + name);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  String name() {
    return name;
  }

  /** Up (consuming, or re-joining after a failure) or stopped for good, with the counts. */
  LaneStatus status() {
    return new LaneStatus(name, failure == null, recoveries.get(), failure);
  }

  void start() {
    thread = new Thread(this::run, "tidewatch-actions-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits until the lane owns partitions and has resumed their unfinished work, or has stopped for
   * good.
   */
  boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs consumer sessions until closed: a session that fails is followed by a new one after a
   * backoff; {@code laneRestart.maxAttempts()} failed sessions in a row stop the lane. A session
   * that committed offsets, or ran longer than the longest backoff, worked: the count starts over.
   */
  private void run() {
    RetryPolicy restart = context.config().laneRestart();
    int failed = 0;
    while (running.get()) {
      healthy = false;
      long started = System.nanoTime();
      RuntimeException cause = session();
      if (cause == null) {
        return;
      }
      boolean worked = healthy || System.nanoTime() - started >= restart.maxBackoff().toNanos();
      failed = worked ? 1 : failed + 1;
      if (!restart.mayRetryAfter(failed)) {
        stop(cause, failed);
        return;
      }
      Duration delay = restart.delay(failed, Optional.empty(), random);
      recoveries.incrementAndGet();
      LOG.warn(
          "lane {} failed ({}); starting a new consumer in {} ms (restart {} of at most {})",
          name,
          describe(cause),
          delay.toMillis(),
          failed,
          restart.maxAttempts() - 1,
          cause);
      try {
        if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One consumer's life; null when the lane was closed, else why it failed. */
  private RuntimeException session() {
    KafkaConsumer<String, byte[]> current;
    try {
      current = newConsumer();
    } catch (RuntimeException e) {
      return e;
    }
    consumer = current;
    try {
      current.subscribe(Set.of(events.name()), new Rebalance(current));
      while (running.get()) {
        pauseOrResume(current);
        ConsumerRecords<String, byte[]> records = current.poll(POLL);
        if (!records.isEmpty()) {
          handle(current, records);
        }
      }
      return null;
    } catch (RuntimeException e) {
      // a WakeupException too: close() wakes the consumer, any other wake-up is a failure
      return running.get() ? e : null;
    } finally {
      current.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void stop(RuntimeException cause, int sessions) {
    failure =
        describe(cause)
            + " ("
            + sessions
            + " consumer session"
            + (sessions == 1 ? "" : "s")
            + " in a row failed)";
    LOG.error(
        "lane {} stopped for good: {}; no {} action is run until the worker is restarted",
        name,
        failure,
        name,
        cause);
    stopped.stopped(status(), cause);
    assigned.countDown();
  }

  private static String describe(Throwable cause) {
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private void pauseOrResume(KafkaConsumer<String, byte[]> consumer) {
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
  private void handle(
      KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
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
      commit(consumer, done);
    }
    // also after a refused commit: a partition the lane keeps must not skip what it did not take
    if (full) {
      for (TopicPartition partition : records.partitions()) {
        OffsetAndMetadata next = done.get(partition);
        consumer.seek(
            partition, next != null ? next.offset() : records.records(partition).get(0).offset());
      }
    }
  }

  /**
   * Commits what the ledger holds. A commit the group refuses because it rebalanced meanwhile is
   * not a failure of the lane: the consumer re-joins at its next poll, and the events since the
   * last commit are read again and recognised in the ledger as already taken.
   */
  private void commit(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
      healthy = true;
    } catch (CommitFailedException | RebalanceInProgressException e) {
      recoveries.incrementAndGet();
      LOG.warn(
          "lane {}: offsets not committed, the group rebalanced meanwhile (was the process paused"
              + " longer than session.timeout.ms?); re-joining, the events since the last commit"
              + " are read again and recognised in the ledger: {}",
          name,
          e.getMessage());
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

    private final KafkaConsumer<String, byte[]> consumer;

    Rebalance(KafkaConsumer<String, byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      intake.forget(numbers(partitions));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn(
          "lane {} lost its partitions {} (its group membership expired); re-joining, then"
              + " rebuilding their state from the ledger",
          name,
          partitions);
      intake.forget(numbers(partitions));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        joined();
        return;
      }
      startFromLookbackWhenNew(consumer, partitions);
      try {
        context.ledger().catchUp(context.config().startTimeout());
      } catch (TimeoutException e) {
        LOG.warn("lane {}: the ledger did not catch up in time; resuming with what it has", name);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      intake.recover(numbers(partitions));
      joined();
    }
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
  }

  /** The lane's first assignment: a lane signal raised before (another run) clears. */
  private void joined() {
    if (assigned.getCount() > 0) {
      context.signal().laneUp(name, context.clock().instant());
      assigned.countDown();
    }
  }

  /**
   * A group's first start: act only on events newer than {@code initialLookback}, not on the whole
   * retained history.
   */
  private void startFromLookbackWhenNew(
      KafkaConsumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
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
    closing.countDown();
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
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
