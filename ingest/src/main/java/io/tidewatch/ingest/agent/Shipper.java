package io.tidewatch.ingest.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records to a {@link Destination} (Kafka or an OTLP endpoint), or to the {@link Spool} when
 * the destination does not take them.
 *
 * <p>While the spool holds anything, new records are appended to it too, so they leave in order; a
 * drain thread sends the spool's records in batches and removes them once the destination took
 * them. When the spool is empty again, records go straight to the destination. A record the
 * destination cannot take now ({@link Delivery.Unreachable}: Kafka down past {@code
 * delivery.timeout.ms}, an OTLP endpoint down or answering 429/502/503/504) is appended to the
 * spool; a record it refuses for good ({@link Delivery.Refused}) is counted as rejected and not
 * sent again. Delivery is at least once: a batch partly taken before a failure is sent again from
 * its first record not taken.
 */
public final class Shipper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
  private static final int DRAIN_BATCH = 500;
  private static final long DRAIN_WAIT_SECONDS = 60;
  private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

  private final Destination destination;
  private final Spool spool;
  private final AgentStats stats;
  private final Object lock = new Object();
  private final Thread drainer;
  private volatile boolean spooling;
  private volatile boolean closed;
  private volatile String lastError;
  private String lastRefusalLogged;
  private long lastRefusalLoggedNanos;

  Shipper(Destination destination, Spool spool, AgentStats stats) {
    this.destination = destination;
    this.spool = spool;
    this.stats = stats;
    this.spooling = !spool.isEmpty();
    this.drainer = new Thread(this::drainLoop, "tidewatch-agent-spool-drain");
    drainer.setDaemon(true);
    drainer.start();
  }

  /** Ships one record; never blocks longer than the destination's bound (a few seconds). */
  public void ship(ProducerRecord<String, byte[]> record) {
    ship(record, () -> {});
  }

  /**
   * Ships one record, like {@link #ship(ProducerRecord)}, and runs {@code settled} once when the
   * record is safe (taken by the destination or appended to the spool) or dropped (refused by the
   * destination, counted in {@code rejected}, or a spool that cannot be written, counted in {@code
   * errors}). It runs on the destination's thread or the caller's: keep it short.
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
    destination.send(
        record,
        delivery -> {
          if (delivery instanceof Delivery.Refused refused) {
            refused(record.topic(), refused.reason());
          } else if (delivery instanceof Delivery.Unreachable unreachable) {
            unreachable(record, unreachable.reason());
          } else {
            stats.shipped.increment();
          }
          once.run();
        });
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

  private void unreachable(ProducerRecord<String, byte[]> record, String reason) {
    lastError = reason;
    synchronized (lock) {
      if (!spooling) {
        LOG.warn("{} does not take records ({}); spooling to disk", destination.name(), reason);
      }
      spooling = true;
      toSpool(record);
    }
  }

  /**
   * Counts a refused record; logs the reason when it differs from the last one logged or that was a
   * while ago, so a refused batch is one line, not one per record.
   */
  private void refused(String topic, String reason) {
    lastError = reason;
    stats.rejected.increment();
    long now = System.nanoTime();
    synchronized (lock) {
      if (reason.equals(lastRefusalLogged)
          && now - lastRefusalLoggedNanos < REFUSAL_LOG_INTERVAL.toNanos()) {
        return;
      }
      lastRefusalLogged = reason;
      lastRefusalLoggedNanos = now;
    }
    LOG.error(
        "{} refused records for {}, they are not sent again (counted as rejected): {}",
        destination.name(),
        topic,
        reason);
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

  /**
   * Sends a batch; commits the prefix the destination took or refused; {@code true} when that is
   * all of it.
   */
  private boolean sendBatch(Spool.Batch batch) {
    List<CompletableFuture<Delivery>> sent = new ArrayList<>(batch.records().size());
    for (SpooledRecord record : batch.records()) {
      CompletableFuture<Delivery> outcome = new CompletableFuture<>();
      sent.add(outcome);
      destination.send(toProducerRecord(record), outcome::complete);
    }
    int done = 0;
    int delivered = 0;
    for (int i = 0; i < sent.size(); i++) {
      Delivery delivery;
      try {
        delivery = sent.get(i).get(DRAIN_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        lastError = String.valueOf(e.getCause() != null ? e.getCause() : e);
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (delivery instanceof Delivery.Unreachable unreachable) {
        lastError = unreachable.reason();
        break;
      }
      if (delivery instanceof Delivery.Refused refused) {
        refused(batch.records().get(i).topic(), refused.reason());
      } else {
        delivered++;
      }
      done++;
    }
    stats.drained.add(delivered);
    stats.shipped.add(delivered);
    if (done == batch.records().size()) {
      spool.commit(batch);
      return true;
    }
    if (done > 0) {
      // Commit the prefix taken or refused: re-read it to find where it ends.
      spool.commit(spool.read(done));
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
   * Flushes the destination, gives the drain up to {@code timeout} to empty the spool, and stops
   * it. What is still spooled stays on disk for the next start.
   */
  public void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      destination.flush();
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
