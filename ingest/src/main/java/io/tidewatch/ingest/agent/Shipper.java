package io.tidewatch.ingest.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records to Kafka, or to the {@link Spool} when Kafka does not take them.
 *
 * <p>While the spool holds anything, new records are appended to it too, so they leave in order; a
 * drain thread sends the spool's records in batches and removes them once Kafka acknowledged them.
 * When the spool is empty again, records go straight to the producer. A record the producer fails
 * to deliver (broker down past {@code delivery.timeout.ms}, or no metadata within {@code
 * max.block.ms}) is appended to the spool. Delivery is at least once: a batch partly acknowledged
 * before a failure is sent again from its first unacknowledged record.
 */
public final class Shipper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
  private static final int DRAIN_BATCH = 500;

  private final Producer<String, byte[]> producer;
  private final Spool spool;
  private final AgentStats stats;
  private final Object lock = new Object();
  private final Thread drainer;
  private volatile boolean spooling;
  private volatile boolean closed;
  private volatile String lastError;

  public Shipper(Producer<String, byte[]> producer, Spool spool, AgentStats stats) {
    this.producer = producer;
    this.spool = spool;
    this.stats = stats;
    this.spooling = !spool.isEmpty();
    this.drainer = new Thread(this::drainLoop, "tidewatch-agent-spool-drain");
    drainer.setDaemon(true);
    drainer.start();
  }

  /**
   * Producer settings for the agent: idempotent, lz4, and short timeouts so that an unreachable
   * broker sends records to the spool within seconds instead of holding them in memory.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
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

  /** Ships one record; never blocks longer than the producer's {@code max.block.ms}. */
  public void ship(ProducerRecord<String, byte[]> record) {
    ship(record, () -> {});
  }

  /**
   * Ships one record, like {@link #ship(ProducerRecord)}, and runs {@code settled} once when the
   * record is safe (acknowledged by Kafka or appended to the spool) or dropped (an error that
   * retrying cannot fix, or a spool that cannot be written, both counted in {@code errors}). It
   * runs on the producer's thread or the caller's: keep it short.
   */
  public void ship(ProducerRecord<String, byte[]> record, Runnable settled) {
    Runnable once = once(settled);
    synchronized (lock) {
      if (spooling) {
        toSpool(record);
        once.run();
        return;
      }
    }
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              stats.shipped.increment();
            } else {
              failed(record, error);
            }
            once.run();
          });
    } catch (RuntimeException e) {
      failed(record, e);
      once.run();
    }
  }

  private static Runnable once(Runnable action) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  /** Whether records currently go to the spool. */
  public boolean spooling() {
    return spooling;
  }

  public Spool spool() {
    return spool;
  }

  /** The last delivery error, or {@code null}. */
  public String lastError() {
    return lastError;
  }

  private void failed(ProducerRecord<String, byte[]> record, Exception error) {
    lastError = error.getClass().getSimpleName() + ": " + error.getMessage();
    if (error instanceof RetriableException
        || error instanceof org.apache.kafka.common.errors.TimeoutException
        || error instanceof org.apache.kafka.common.errors.InterruptException) {
      synchronized (lock) {
        if (!spooling) {
          LOG.warn("Kafka does not take records ({}); spooling to disk", lastError);
        }
        spooling = true;
        toSpool(record);
      }
    } else {
      stats.errors.increment();
      LOG.error("record to {} not deliverable, dropped: {}", record.topic(), lastError);
    }
  }

  private void toSpool(ProducerRecord<String, byte[]> record) {
    try {
      spool.append(toSpooled(record));
      stats.spooled.increment();
    } catch (RuntimeException e) {
      stats.errors.increment();
      lastError = e.getMessage();
      LOG.error("cannot spool a record to {}: {}", record.topic(), e.getMessage());
    }
  }

  private void drainLoop() {
    long backoffMillis = 200;
    while (!closed) {
      try {
        if (!spooling) {
          sleep(200);
          continue;
        }
        Spool.Batch batch = spool.read(DRAIN_BATCH);
        if (batch.isEmpty()) {
          synchronized (lock) {
            spool.commit(batch);
            if (spool.isEmpty()) {
              spooling = false;
              LOG.info("spool drained; shipping directly again");
            }
          }
          continue;
        }
        if (sendBatch(batch)) {
          backoffMillis = 200;
        } else {
          sleep(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, 2_000);
        }
      } catch (RuntimeException e) {
        lastError = e.getMessage();
        stats.errors.increment();
        LOG.error("spool drain failed: {}", e.getMessage());
        sleep(1_000);
      }
    }
  }

  /** Sends a batch; commits its acknowledged prefix; {@code true} when all were acknowledged. */
  private boolean sendBatch(Spool.Batch batch) {
    List<Future<RecordMetadata>> sent = new ArrayList<>(batch.records().size());
    try {
      for (SpooledRecord record : batch.records()) {
        sent.add(producer.send(toProducerRecord(record)));
      }
    } catch (RuntimeException e) {
      lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    int acknowledged = 0;
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get(30, TimeUnit.SECONDS);
        acknowledged++;
      } catch (ExecutionException | TimeoutException e) {
        lastError = String.valueOf(e.getCause() != null ? e.getCause() : e);
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (acknowledged == batch.records().size()) {
      spool.commit(batch);
      stats.drained.add(acknowledged);
      stats.shipped.add(acknowledged);
      return true;
    }
    if (acknowledged > 0) {
      // Commit the acknowledged prefix: re-read it to find where it ends.
      Spool.Batch prefix = spool.read(acknowledged);
      spool.commit(prefix);
      stats.drained.add(acknowledged);
      stats.shipped.add(acknowledged);
    }
    return false;
  }

  static SpooledRecord toSpooled(ProducerRecord<String, byte[]> record) {
    List<SpooledRecord.Header> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new SpooledRecord.Header(header.key(), header.value()));
    }
    return new SpooledRecord(
        record.topic(), record.timestamp(), record.key(), record.value(), headers);
  }

  static ProducerRecord<String, byte[]> toProducerRecord(SpooledRecord record) {
    List<Header> headers = new ArrayList<>();
    for (SpooledRecord.Header header : record.headers()) {
      headers.add(new RecordHeader(header.key(), header.value()));
    }
    return new ProducerRecord<>(
        record.topic(), null, record.timestamp(), record.key(), record.value(), headers);
  }

  /**
   * Flushes the producer, gives the drain up to {@code timeout} to empty the spool, and stops it.
   * What is still spooled stays on disk for the next start.
   */
  public void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      producer.flush();
    } catch (RuntimeException e) {
      LOG.warn("flush on close failed: {}", e.getMessage());
    }
    while (spooling && System.nanoTime() < deadline) {
      sleep(100);
    }
    closed = true;
    drainer.interrupt();
    try {
      drainer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
