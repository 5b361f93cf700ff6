package io.tidewatch.streams.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.model.topic.Topic;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.RuleDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The compacted {@code tw.rules} topic: one record per rule, keyed {@code kind/name} (e.g. {@code
 * alarm/web-cpu-high}), whose value is {@code {"kind", "name", "definition"}} with the definition
 * as the user wrote it, in JSON. Publishing is one Kafka transaction: readers see all of a rule set
 * or none of it.
 */
public final class RulesTopic {

  private static final Duration TOPIC_APPEARS_WITHIN = Duration.ofSeconds(5);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Topic<JsonNode> topic;

  public RulesTopic(String bootstrapServers, Topics topics) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topics.rules();
  }

  /** What a publication changed. */
  public record Publication(List<String> upserted, List<String> unchanged, List<String> removed) {
    public Publication {
      upserted = List.copyOf(upserted);
      unchanged = List.copyOf(unchanged);
      removed = List.copyOf(removed);
    }
  }

  /**
   * Publishes {@code documents} atomically. With {@code replaceAll}, rules on the topic that are
   * not among them are removed (tombstoned): the topic then holds exactly this rule set.
   */
  public Publication publish(Collection<RuleDocument> documents, boolean replaceAll) {
    Map<String, RuleDocument> current = readAll();
    Map<String, RuleDocument> wanted = new LinkedHashMap<>();
    documents.forEach(document -> wanted.put(document.id(), document));
    List<String> upserted = new java.util.ArrayList<>();
    List<String> unchanged = new java.util.ArrayList<>();
    List<String> removed = new java.util.ArrayList<>();
    Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
    Map<String, Integer> sizes = new HashMap<>();
    try (KafkaProducer<String, JsonNode> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      try {
        for (RuleDocument document : wanted.values()) {
          if (document.equals(current.get(document.id()))) {
            unchanged.add(document.id());
            continue;
          }
          JsonNode value = toJson(document);
          sizes.put(document.id(), recordSize(document.id(), value));
          sent.put(
              document.id(),
              producer.send(new ProducerRecord<>(topic.name(), document.id(), value)));
          upserted.add(document.id());
        }
        if (replaceAll) {
          for (String id : current.keySet()) {
            if (!wanted.containsKey(id)) {
              sent.put(id, producer.send(new ProducerRecord<>(topic.name(), id, null)));
              removed.add(id);
            }
          }
        }
        producer.commitTransaction();
      } catch (KafkaException e) {
        RulePublishException failure = RulePublishException.of(sent, sizes, e);
        abort(producer, failure);
        throw failure;
      }
    }
    awaitVisible(sent);
    return new Publication(upserted, unchanged, removed);
  }

  /**
   * Aborts at once rather than leaving the transaction open until it times out, which would hold
   * every committed reader of the topic back for that long.
   */
  private static void abort(KafkaProducer<?, ?> producer, RulePublishException failure) {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      failure.addSuppressed(e);
    }
  }

  private int recordSize(String id, JsonNode value) {
    return id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        + topic.codec().serializer().serialize(topic.name(), value).length;
  }

  /**
   * Waits until committed readers can see what was just written: the transaction markers reach the
   * partitions shortly after {@code commitTransaction} returns, and until then the last stable
   * offset (what {@code read_committed} readers read up to) lags behind.
   */
  private void awaitVisible(Map<String, Future<RecordMetadata>> sent) {
    Map<TopicPartition, Long> needed = new HashMap<>();
    for (Future<RecordMetadata> future : sent.values()) {
      RecordMetadata metadata;
      try {
        metadata = future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        throw new IllegalStateException("a rule record was not written: " + e.getCause(), e);
      }
      needed.merge(
          new TopicPartition(metadata.topic(), metadata.partition()),
          metadata.offset() + 1,
          Math::max);
    }
    if (needed.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, Long> stable = consumer.endOffsets(needed.keySet());
        if (needed.entrySet().stream()
            .allMatch(entry -> stable.getOrDefault(entry.getKey(), 0L) >= entry.getValue())) {
          return;
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every rule currently on the topic (committed records up to the end), by id. */
  public Map<String, RuleDocument> readAll() {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = assignAll(consumer);
      Map<String, RuleDocument> documents = new LinkedHashMap<>();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (!caughtUp(consumer, end)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          apply(documents, record);
        }
      }
      return documents;
    }
  }

  KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * Assigns every partition of the rules topic. A topic created a moment ago may not be in the
   * broker's metadata yet (the consumer then sees no partitions): asked again for a few seconds
   * before it counts as missing.
   */
  List<TopicPartition> assignAll(KafkaConsumer<String, byte[]> consumer) {
    long deadline = System.nanoTime() + TOPIC_APPEARS_WITHIN.toNanos();
    var infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
    while ((infos == null || infos.isEmpty()) && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
    }
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "topic " + topic.name() + " does not exist on " + bootstrapServers);
    }
    List<TopicPartition> partitions =
        infos.stream().map(info -> new TopicPartition(topic.name(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      if (consumer.position(partition.getKey()) < partition.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Applies one record (an upsert, or a tombstone) to the documents by id. */
  void apply(Map<String, RuleDocument> documents, ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      documents.remove(record.key());
      return;
    }
    JsonNode value = topic.codec().decode(record);
    documents.put(record.key(), fromJson(value));
  }

  private KafkaProducer<String, JsonNode> transactionalProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "tidewatch-rules-apply-" + UUID.randomUUID(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        topic.codec().serializer());
  }

  private static JsonNode toJson(RuleDocument document) {
    ObjectNode value = JSON.createObjectNode();
    value.put("kind", document.kind());
    value.put("name", document.name());
    try {
      value.set("definition", JSON.readTree(document.json()));
    } catch (IOException e) {
      throw new UncheckedIOException("rule " + document.id() + " is not JSON", e);
    }
    return value;
  }

  private static RuleDocument fromJson(JsonNode value) {
    return new RuleDocument(
        value.path("kind").asText(),
        value.path("name").asText(),
        value.path("definition").toString());
  }
}
