package io.tidewatch.streams.rules;

import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleDocument;
import io.tidewatch.rules.RuleDocuments;
import io.tidewatch.streams.alarm.RuleRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code tw.rules} and keeps a {@link RuleRegistry} current: every stream processor
 * instance reads the whole topic (like a global table), so a {@code rules apply} reaches running
 * processors without a restart. A rule that no longer loads is left out, with a warning; the rest
 * keep running. The newest record's time counts as when the rules in force were applied: an alarm
 * without {@code groupBy} exists from then on.
 */
public final class RuleWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RuleWatcher.class);

  private final RulesTopic topic;
  private final RuleRegistry registry;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, RuleDocument> documents = new LinkedHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);

  /** The newest record time read: when the rules now in force were applied. */
  private long appliedAtMillis = Long.MIN_VALUE;

  private final Thread thread;

  private RuleWatcher(RulesTopic topic, RuleRegistry registry) {
    this.topic = topic;
    this.registry = registry;
    this.consumer = topic.consumer();
    this.thread = new Thread(this::follow, "tidewatch-rule-watcher");
    this.thread.setDaemon(true);
  }

  /**
   * Reads the topic to its end into {@code registry} before returning (so processors start with the
   * complete rule set), then follows it in the background.
   */
  public static RuleWatcher start(RulesTopic topic, RuleRegistry registry) {
    RuleWatcher watcher = new RuleWatcher(topic, registry);
    try {
      watcher.catchUp();
    } catch (RuntimeException e) {
      watcher.consumer.close();
      throw e;
    }
    watcher.thread.start();
    return watcher;
  }

  private void catchUp() {
    var partitions = topic.assignAll(consumer);
    var end = consumer.endOffsets(partitions);
    while (!RulesTopic.caughtUp(consumer, end)) {
      absorb(consumer.poll(Duration.ofMillis(200)));
    }
    publish();
  }

  private void follow() {
    try {
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          absorb(records);
          publish();
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        LOG.error("rule watcher stopped unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("rule watcher stopped; rule changes are no longer picked up", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void absorb(ConsumerRecords<String, byte[]> records) {
    for (ConsumerRecord<String, byte[]> record : records) {
      appliedAtMillis = Math.max(appliedAtMillis, record.timestamp());
      try {
        topic.apply(documents, record);
      } catch (MalformedRecordException e) {
        LOG.warn("ignoring a malformed rule record: {}", e.getMessage());
      }
    }
  }

  private void publish() {
    LoadResult loaded = RuleDocuments.load(documents.values());
    if (loaded.hasErrors()) {
      LOG.warn("some rules on the rules topic do not load and are left out:\n{}", loaded.render());
    }
    registry.update(
        loaded.ruleSet(),
        appliedAtMillis == Long.MIN_VALUE
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(appliedAtMillis)));
    LOG.info("rules in force: {} alarm(s)", loaded.ruleSet().alarms().size());
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
