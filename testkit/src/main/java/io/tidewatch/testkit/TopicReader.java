package io.tidewatch.testkit;

import io.tidewatch.model.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning as a downstream reader would ({@code read_committed}, every
 * partition), for assertions on what a test's subject wrote.
 */
public final class TopicReader {

  private TopicReader() {}

  /** Every committed record up to the end the topic has now. */
  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = fromBeginning(bootstrap, topic)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      while (end.keySet().stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * The decoded values once there are at least {@code count}, plus any that arrive within {@code
   * settle} after that (so a test sees duplicates or extras too).
   *
   * @throws AssertionError naming what was found when fewer arrive within {@code timeout}
   */
  public static <T> List<T> awaitValues(
      String bootstrap, Topic<T> topic, int count, Duration timeout, Duration settle) {
    List<T> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = fromBeginning(bootstrap, topic.name())) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (values.size() < count) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError(
              "expected at least " + count + " records on " + topic.name() + ", found " + values);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(topic.codec().decode(r)));
      }
      long settled = System.nanoTime() + settle.toNanos();
      while (System.nanoTime() - settled < 0) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(topic.codec().decode(r)));
      }
    }
    return values;
  }

  /**
   * The records, once {@code done} holds for those read so far, plus any that arrive within half a
   * second after that (so a test sees duplicates or extras too).
   *
   * @throws AssertionError naming how many were read when {@code done} does not hold within {@code
   *     timeout}
   */
  public static List<ConsumerRecord<String, byte[]>> awaitRecords(
      String bootstrap,
      String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = fromBeginning(bootstrap, topic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(records)) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError(
              "records on "
                  + topic
                  + " did not become what was awaited: "
                  + records.size()
                  + " read");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }

  private static KafkaConsumer<String, byte[]> fromBeginning(String bootstrap, String topic) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
