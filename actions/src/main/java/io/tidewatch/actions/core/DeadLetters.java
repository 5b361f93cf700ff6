package io.tidewatch.actions.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what could not be done to {@code tw.dlq.actions}: the original bytes (the alarm event),
 * keyed like the original, with the reason and origin in headers. Nothing is dropped silently.
 */
final class DeadLetters {

  static final String REASON = "tw.reason";
  static final String SOURCE_TOPIC = "tw.source.topic";
  static final String SOURCE_PARTITION = "tw.source.partition";
  static final String SOURCE_OFFSET = "tw.source.offset";
  static final String ACTION = "tw.action";
  static final String ACTION_KEY = "tw.action.key";
  static final String ATTEMPTS = "tw.attempts";
  static final String FAILED_AT = "tw.failed.at";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final AtomicLong written = new AtomicLong();

  DeadLetters(Producer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** Where a record came from, when known. */
  record Origin(String topic, Integer partition, Long offset) {
    static final Origin UNKNOWN = new Origin(null, null, null);
  }

  /** A failed action: its event, action and why. */
  void actionFailed(
      String key,
      byte[] value,
      Origin origin,
      String action,
      String actionKey,
      int attempts,
      String reason,
      Instant at) {
    List<Header> headers = origin(origin);
    headers.add(header(REASON, reason));
    headers.add(header(ACTION, action));
    headers.add(header(ACTION_KEY, actionKey));
    headers.add(header(ATTEMPTS, Integer.toString(attempts)));
    headers.add(header(FAILED_AT, at.toString()));
    send(key, value, headers);
  }

  /** A record that could not be read at all. */
  void unreadable(String key, byte[] value, Origin origin, String reason, Instant at) {
    List<Header> headers = origin(origin);
    headers.add(header(REASON, reason));
    headers.add(header(FAILED_AT, at.toString()));
    send(key, value, headers);
  }

  long written() {
    return written.get();
  }

  private void send(String key, byte[] value, List<Header> headers) {
    try {
      producer
          .send(new ProducerRecord<>(topic, null, key, value, headers))
          .get(60, TimeUnit.SECONDS);
      written.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("cannot write to the dead-letter topic {}: {}", topic, e.getMessage());
      throw new IllegalStateException("cannot write to the dead-letter topic " + topic, e);
    }
  }

  private static List<Header> origin(Origin origin) {
    List<Header> headers = new ArrayList<>();
    if (origin.topic() != null) {
      headers.add(header(SOURCE_TOPIC, origin.topic()));
    }
    if (origin.partition() != null) {
      headers.add(header(SOURCE_PARTITION, origin.partition().toString()));
    }
    if (origin.offset() != null) {
      headers.add(header(SOURCE_OFFSET, origin.offset().toString()));
    }
    return headers;
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
