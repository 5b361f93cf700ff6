package io.tidewatch.ingest.agent;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records straight to Kafka. A retriable error (broker down past {@code delivery.timeout.ms}, no
 * metadata within {@code max.block.ms}) makes a record {@link Delivery.Unreachable}; any other
 * error (too large, not authorized) {@link Delivery.Refused}.
 */
final class KafkaDestination implements Destination {

  private final Producer<String, byte[]> producer;

  KafkaDestination(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /**
   * Producer settings for the agent: idempotent, lz4, and short timeouts so that an unreachable
   * broker sends records to the spool within seconds instead of holding them in memory.
   */
  static Map<String, Object> producerConfig(String bootstrapServers) {
    return Map.ofEntries(
        Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()),
        Map.entry(
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()),
        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        Map.entry(ProducerConfig.LINGER_MS_CONFIG, 100),
        Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024),
        Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024),
        Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000),
        Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000),
        Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000),
        Map.entry(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000),
        Map.entry(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000));
  }

  @Override
  public void send(ProducerRecord<String, byte[]> record, Consumer<Delivery> done) {
    try {
      producer.send(
          record, (metadata, error) -> done.accept(error == null ? Delivery.DELIVERED : of(error)));
    } catch (RuntimeException e) {
      done.accept(of(e));
    }
  }

  private static Delivery of(Exception error) {
    String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
    return error instanceof RetriableException
            || error instanceof TimeoutException
            || error instanceof InterruptException
        ? new Delivery.Unreachable(reason)
        : new Delivery.Refused(reason);
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public void close(Duration timeout) {
    producer.close(timeout);
  }
}
