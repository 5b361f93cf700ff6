package io.tidewatch.actions.console;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.model.topic.Topic;
import io.tidewatch.model.topic.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simplest action worker: prints every alarm state change on the console and appends it to a
 * log file. Offsets are committed only after the file write, so a crash repeats a line rather than
 * losing one (at least once).
 */
public final class AlarmConsoleWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AlarmConsoleWorker.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Topic<AlarmStateChange> events;
  private final PrintWriter console;
  private final Path logFile;
  private final AtomicBoolean running = new AtomicBoolean(true);

  /**
   * @param groupId the consumer group; workers sharing it share the partitions
   */
  public AlarmConsoleWorker(
      String bootstrapServers, Topics topics, String groupId, PrintWriter console, Path logFile) {
    this.events = topics.alarmEvents();
    this.console = console;
    this.logFile = logFile;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(events.name()));
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        try (BufferedWriter log =
            Files.newBufferedWriter(
                logFile,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
          for (ConsumerRecord<String, byte[]> record : records) {
            handle(record, log);
          }
        }
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the alarm log " + logFile, e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<String, byte[]> record, BufferedWriter log)
      throws IOException {
    if (record.value() == null) {
      return;
    }
    try {
      String line = AlarmLine.format(events.codec().decode(record));
      console.println(line);
      console.flush();
      log.write(line);
      log.newLine();
    } catch (MalformedRecordException e) {
      LOG.warn("skipping a malformed alarm event: {}", e.getMessage());
    }
  }

  /** Stops the poll loop; {@link #run()} returns after closing the consumer. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}
