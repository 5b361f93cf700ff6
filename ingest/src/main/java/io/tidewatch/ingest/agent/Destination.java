package io.tidewatch.ingest.agent;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where the {@link Shipper} sends records: a Kafka cluster ({@link KafkaDestination}) or an OTLP
 * endpoint ({@link OtlpDestination}). Records are Kafka records whatever the destination, so the
 * {@link Spool} keeps one format and a record spooled for one destination is what the other would
 * have sent.
 */
interface Destination {

  /**
   * Sends one record. {@code done} runs exactly once with its outcome, on any thread: keep it
   * short. Blocks at most a few seconds (then the outcome is {@link Delivery.Unreachable}).
   */
  void send(ProducerRecord<String, byte[]> record, Consumer<Delivery> done);

  /** Waits until every record sent so far has its outcome. */
  void flush();

  /** The name in the status line: {@code kafka} or {@code otlp}. */
  String name();

  /** Gives records in flight up to {@code timeout} and releases the connections. */
  void close(Duration timeout);
}
