package io.tidewatch.ingest.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * <p>The answer decides each record's {@link Delivery} (OTLP/HTTP specification, "Failures"):
 *
 * <ul>
 *   <li>2xx: delivered; a partial success rejecting N items makes N of the request's records
 *       refused (which ones the answer does not say; only the count matters);
 *   <li>429, 502, 503, 504, a timeout or no connection: unreachable (spooled). A {@code
 *       Retry-After} (seconds or an HTTP date, capped at {@value #MAX_RETRY_AFTER_SECONDS} s) is
 *       honoured: until then, records are unreachable without a request;
 *   <li>any other status: refused, logged with the status and an excerpt of the answer.
 * </ul>
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
  static final long MAX_RETRY_AFTER_SECONDS = 300;
  private static final int MAX_EXCERPT = 200;
  private static final String PROTOBUF = "application/x-protobuf";
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
        HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Content-Type", PROTOBUF);
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
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      delivered(uri, response, records, metrics);
    } else if (status == 429 || status == 502 || status == 503 || status == 504) {
      retryAfter(response, now);
      settle(
          records,
          new Delivery.Unreachable(uri + " answered " + status + ": " + excerpt(response)));
    } else {
      settle(records, new Delivery.Refused(uri + " answered " + status + ": " + excerpt(response)));
    }
  }

  private void delivered(
      URI uri, HttpResponse<byte[]> response, List<Pending> records, boolean metrics) {
    long rejected = 0;
    String message = "";
    if (isProtobuf(response) && response.body().length > 0) {
      try {
        if (metrics) {
          var partial = ExportMetricsServiceResponse.parseFrom(response.body()).getPartialSuccess();
          rejected = partial.getRejectedDataPoints();
          message = partial.getErrorMessage();
        } else {
          var partial = ExportLogsServiceResponse.parseFrom(response.body()).getPartialSuccess();
          rejected = partial.getRejectedLogRecords();
          message = partial.getErrorMessage();
        }
      } catch (InvalidProtocolBufferException e) {
        LOG.debug("cannot read the OTLP answer of {}: {}", uri, e.toString());
      }
    }
    int refused = (int) Math.min(rejected, records.size());
    Delivery partial =
        refused == 0
            ? Delivery.DELIVERED
            : new Delivery.Refused(
                uri
                    + " answered a partial success rejecting "
                    + rejected
                    + " of "
                    + records.size()
                    + ": "
                    + abbreviate(message));
    for (int i = 0; i < records.size(); i++) {
      records.get(i).done().accept(i < refused ? partial : Delivery.DELIVERED);
    }
  }

  /** Honours a {@code Retry-After} of seconds or an HTTP date. */
  private void retryAfter(HttpResponse<byte[]> response, Instant now) {
    String value = response.headers().firstValue("Retry-After").orElse("").strip();
    if (value.isEmpty()) {
      return;
    }
    Instant until;
    try {
      until = now.plusSeconds(Long.parseLong(value));
    } catch (NumberFormatException e) {
      try {
        until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException unparsable) {
        LOG.debug("ignoring an unreadable Retry-After '{}'", abbreviate(value));
        return;
      }
    }
    Instant cap = now.plusSeconds(MAX_RETRY_AFTER_SECONDS);
    retryNotBefore = until.isAfter(cap) ? cap : until;
  }

  private static void settle(List<Pending> records, Delivery delivery) {
    records.forEach(p -> p.done().accept(delivery));
  }

  private static boolean isProtobuf(HttpResponse<byte[]> response) {
    return response
        .headers()
        .firstValue("Content-Type")
        .map(type -> type.toLowerCase(Locale.ROOT).startsWith(PROTOBUF))
        .orElse(false);
  }

  /** The answer's message: a protobuf {@code Status}'s message, else the text. */
  private static String excerpt(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return "(no body)";
    }
    if (isProtobuf(response)) {
      try {
        return abbreviate(Status.parseFrom(body).getMessage());
      } catch (InvalidProtocolBufferException e) {
        return "(an unreadable protobuf body)";
      }
    }
    return abbreviate(
        new String(body, 0, Math.min(body.length, 4 * MAX_EXCERPT), StandardCharsets.UTF_8));
  }

  private static String abbreviate(String text) {
    String line = text.strip().replaceAll("\\p{Cntrl}+", " ");
    return line.length() <= MAX_EXCERPT ? line : line.substring(0, MAX_EXCERPT - 3) + "...";
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
