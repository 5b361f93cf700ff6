package io.tidewatch.ingest.agent;

import com.google.protobuf.MessageLite;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records to an OTLP/HTTP endpoint: metric points as an {@code ExportMetricsServiceRequest} to
 * {@code /v1/metrics}, log lines as an {@code ExportLogsServiceRequest} to {@code /v1/logs}, both
 * protobuf, built by {@link OtlpRequests}. Records are collected for up to {@value #LINGER_MILLIS}
 * ms (or {@value #MAX_BATCH_RECORDS} records, {@value #MAX_BATCH_BYTES} bytes) and sent by one
 * thread, one request per signal.
 *
 * <p>The answer ({@link OtlpAnswer}) decides each record's {@link Delivery}: a 2xx delivers them,
 * but a partial success rejecting N items makes N of the request's records refused (which ones the
 * answer does not say; only the count matters); 429, 502, 503, 504, a timeout or no connection make
 * them unreachable (spooled), and until a {@code Retry-After} has passed records are unreachable
 * without a request; any other status refuses them, with the status and an excerpt of the answer as
 * the reason.
 *
 * <p>Memory is bounded: when {@value #MAX_PENDING_RECORDS} records wait, {@link #send} waits up to
 * {@value #MAX_BLOCK_MILLIS} ms for room, then answers unreachable. Header values are never logged.
 */
final class OtlpDestination implements Destination {

  static final String METRICS_PATH = "/v1/metrics";
  static final String LOGS_PATH = "/v1/logs";
  static final long LINGER_MILLIS = 100;
  static final int MAX_BATCH_RECORDS = 1000;
  static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;
  static final int MAX_PENDING_RECORDS = 10_000;
  static final long MAX_BLOCK_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(OtlpDestination.class);

  private final AgentConfig.Otlp config;
  private final Topics topics;
  private final OtlpRequests requests;
  private final Clock clock;
  private final HttpClient http;
  private final URI metricsUri;
  private final URI logsUri;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Thread sender;
  private int inFlight;
  private boolean closing;
  private volatile Instant retryNotBefore = Instant.MIN;

  /** A record waiting to be sent, and who wants its outcome. */
  private record Pending(ProducerRecord<String, byte[]> record, Consumer<Delivery> done) {}

  /**
   * @param topics the topics the agent's records are addressed to: metrics, logs, and the DLQ
   *     (rejected lines)
   */
  OtlpDestination(AgentConfig.Otlp config, Topics topics, OtlpRequests requests, Clock clock) {
    this.config = config;
    this.topics = topics;
    this.requests = requests;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.metricsUri = URI.create(config.endpoint() + METRICS_PATH);
    this.logsUri = URI.create(config.endpoint() + LOGS_PATH);
    this.sender = new Thread(this::sendLoop, "tidewatch-agent-otlp");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void send(ProducerRecord<String, byte[]> record, Consumer<Delivery> done) {
    synchronized (lock) {
      long deadline = System.nanoTime() + MAX_BLOCK_MILLIS * 1_000_000;
      while (pending.size() >= MAX_PENDING_RECORDS && !closing) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        if (!await(left / 1_000_000 + 1)) {
          break;
        }
      }
      if (!closing && pending.size() < MAX_PENDING_RECORDS) {
        pending.addLast(new Pending(record, done));
        if (pending.size() == 1 || pending.size() >= MAX_BATCH_RECORDS) {
          lock.notifyAll();
        }
        return;
      }
    }
    done.accept(
        new Delivery.Unreachable(
            closing
                ? "the agent is stopping"
                : "the OTLP endpoint does not keep up: "
                    + MAX_PENDING_RECORDS
                    + " records wait to be sent"));
  }

  @Override
  public void flush() {
    synchronized (lock) {
      lock.notifyAll();
      while (!pending.isEmpty() || inFlight > 0) {
        if (!await(100)) {
          return;
        }
      }
    }
  }

  @Override
  public String name() {
    return "otlp";
  }

  @Override
  public void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      lock.notifyAll();
      while ((!pending.isEmpty() || inFlight > 0) && System.nanoTime() < deadline) {
        if (!await(100)) {
          break;
        }
      }
      closing = true;
      lock.notifyAll();
    }
    try {
      sender.join(config.timeout().toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending> left;
    synchronized (lock) {
      left = new ArrayList<>(pending);
      pending.clear();
    }
    left.forEach(p -> p.done().accept(new Delivery.Unreachable("the agent is stopping")));
  }

  /** Waits on the lock; {@code false} when interrupted. Call with the lock held. */
  private boolean await(long millis) {
    try {
      lock.wait(Math.max(1, millis));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void sendLoop() {
    while (true) {
      List<Pending> batch;
      synchronized (lock) {
        while (pending.isEmpty() && !closing) {
          if (!await(1_000)) {
            return;
          }
        }
        if (pending.isEmpty()) {
          return;
        }
        if (pending.size() < MAX_BATCH_RECORDS && !closing) {
          await(LINGER_MILLIS);
        }
        batch = take();
        inFlight = batch.size();
        lock.notifyAll();
      }
      try {
        export(batch);
      } catch (RuntimeException e) {
        LOG.error("OTLP export failed: {}", e.toString());
        batch.forEach(p -> p.done().accept(new Delivery.Unreachable(e.toString())));
      } finally {
        synchronized (lock) {
          inFlight = 0;
          lock.notifyAll();
        }
      }
    }
  }

  /** Up to a batch of pending records. Call with the lock held. */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>();
    long bytes = 0;
    while (!pending.isEmpty() && batch.size() < MAX_BATCH_RECORDS) {
      long size = pending.peekFirst().record().value().length;
      if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
        break;
      }
      bytes += size;
      batch.add(pending.removeFirst());
    }
    return batch;
  }

  private void export(List<Pending> batch) {
    List<Pending> metricRecords = new ArrayList<>();
    List<MetricPoint> points = new ArrayList<>();
    List<Pending> logRecords = new ArrayList<>();
    List<OtlpRequests.Line> lines = new ArrayList<>();
    String metricsTopic = topics.metrics().name();
    String logsTopic = topics.logs().name();
    String dlqTopic = topics.dlq("ingest").name();
    for (Pending p : batch) {
      String topic = p.record().topic();
      try {
        if (topic.equals(metricsTopic)) {
          points.add(Codecs.METRIC_POINT.decode(topic, p.record().value()));
          metricRecords.add(p);
        } else if (topic.equals(logsTopic)) {
          lines.add(
              new OtlpRequests.ParsedLine(Codecs.LOG_EVENT.decode(topic, p.record().value())));
          logRecords.add(p);
        } else if (topic.equals(dlqTopic)) {
          lines.add(new OtlpRequests.RejectedLine(p.record()));
          logRecords.add(p);
        } else {
          p.done().accept(new Delivery.Refused("no OTLP signal for records to topic " + topic));
        }
      } catch (RuntimeException e) {
        p.done().accept(new Delivery.Refused("cannot read a record to " + topic + ": " + e));
      }
    }
    if (!metricRecords.isEmpty()) {
      post(metricsUri, requests.metrics(points), metricRecords, true);
    }
    if (!logRecords.isEmpty()) {
      post(logsUri, requests.logs(lines), logRecords, false);
    }
  }

  private void post(URI uri, MessageLite request, List<Pending> records, boolean metrics) {
    Instant now = clock.instant();
    if (now.isBefore(retryNotBefore)) {
      settle(
          records,
          new Delivery.Unreachable("the OTLP endpoint asked to retry after " + retryNotBefore));
      return;
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(config.timeout())
            .header("Content-Type", OtlpAnswer.PROTOBUF);
    config.headers().forEach(builder::header);
    byte[] body = request.toByteArray();
    if (config.gzip()) {
      body = gzip(body);
      builder.header("Content-Encoding", "gzip");
    }
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      settle(records, new Delivery.Unreachable(uri + ": " + e));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      settle(records, new Delivery.Unreachable("interrupted"));
      return;
    }
    OtlpAnswer answer =
        OtlpAnswer.of(
            uri,
            response.statusCode(),
            response.headers().firstValue("Content-Type"),
            response.headers().firstValue("Retry-After"),
            response.body(),
            metrics,
            now);
    switch (answer.outcome()) {
      case DELIVERED -> {
        int refused = (int) Math.min(answer.rejected(), records.size());
        Delivery partial = new Delivery.Refused(answer.reason());
        for (int i = 0; i < records.size(); i++) {
          records.get(i).done().accept(i < refused ? partial : Delivery.DELIVERED);
        }
      }
      case RETRY -> {
        answer.retryAfter().ifPresent(until -> retryNotBefore = until);
        settle(records, new Delivery.Unreachable(answer.reason()));
      }
      case REFUSED -> settle(records, new Delivery.Refused(answer.reason()));
    }
  }

  private static void settle(List<Pending> records, Delivery delivery) {
    records.forEach(p -> p.done().accept(delivery));
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
