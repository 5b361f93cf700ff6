package io.tidewatch.ingest.otlp;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.tidewatch.ingest.net.HttpBinding;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OTLP/HTTP receiver: {@code POST /v1/metrics} and {@code POST /v1/logs} with a protobuf ({@code
 * application/x-protobuf}) or JSON ({@code application/json}) export request, optionally
 * gzip-compressed. The accepted data points of a request are written to the metrics topic in
 * batches, about one record per partition ({@link MetricBatcher}), every log record to the logs
 * topic as a {@code LogEvent} keyed by log group and stream (see {@link OtlpLogsMapper}); the
 * request is answered 200 only once Kafka has acknowledged all of them (503 with {@code
 * Retry-After} otherwise, so the exporter retries: delivery is at-least-once). The mapping is
 * described in {@link OtlpMetricsMapper}.
 *
 * <pre>{@code
 * try (Producer<String, byte[]> producer = new KafkaProducer<>(props,
 *         new StringSerializer(), new ByteArraySerializer());
 *     OtlpHttpReceiver receiver =
 *         OtlpHttpReceiver.start(OtlpReceiverConfig.defaults(), producer, topics.metrics().name())) {
 *   System.out.println("OTLP/HTTP on " + receiver.endpoint());
 *   ... wait for shutdown ...
 * }
 * }</pre>
 *
 * <p>The caller owns the producer: it is shared by all requests and not closed here. Its {@code
 * max.block.ms} bounds how long a request can wait for metadata when Kafka is unreachable; keep it
 * at or below {@link OtlpReceiverConfig#ackTimeout()}.
 *
 * <p>Requests are read on up to {@link OtlpReceiverConfig#maxConnections()} threads, each under a
 * header and a body timeout, so that clients that stall hold neither the others' connections nor a
 * worker; at most {@link OtlpReceiverConfig#workerThreads()} of them are mapped and written at once
 * (see {@link SheddingExecutor}). Beyond {@code maxConnections} a request is answered 503 at once
 * (exporters retry). The memory this takes is bounded by about {@code maxConnections ×
 * maxBodyBytes} (bodies as received) plus {@code workerThreads} decoded requests.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  /** The OTLP/HTTP metrics path. */
  public static final String METRICS_PATH = "/v1/metrics";

  /** The OTLP/HTTP logs path. */
  public static final String LOGS_PATH = "/v1/logs";

  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpReceiver.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private final HttpServer server;
  private final SheddingExecutor workers;
  private final OtlpHttpHandler handler;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OtlpHttpReceiver(
      HttpServer server, SheddingExecutor workers, OtlpHttpHandler handler, URI endpoint) {
    this.server = server;
    this.workers = workers;
    this.handler = handler;
    this.endpoint = endpoint;
  }

  /**
   * Binds {@code config.host():config.port()} and starts serving.
   *
   * @param producer writes the points; shared, owned by the caller, not closed by {@link #close()}
   * @param metricsTopic the topic to write to, usually {@code topics.metrics().name()}; it must
   *     exist
   * @throws IOException when the address cannot be bound (the message names it)
   */
  public static OtlpHttpReceiver start(
      OtlpReceiverConfig config, Producer<String, byte[]> producer, String metricsTopic)
      throws IOException {
    return start(config, OtlpSink.metricsOnly(producer, metricsTopic));
  }

  /**
   * Binds {@code config.host():config.port()} and serves metrics and, when the sink has a logs
   * producer, logs.
   *
   * @throws IOException when the address cannot be bound (the message names it)
   */
  public static OtlpHttpReceiver start(OtlpReceiverConfig config, OtlpSink sink)
      throws IOException {
    return start(config, sink, Clock.systemUTC());
  }

  /**
   * Binds {@code config.host():config.port()}, serves metrics and, when the sink has a logs
   * producer, logs, and counts what it accepts and rejects into {@code registry} ({@link
   * io.tidewatch.ingest.meter.IngestMeters}, sources {@code otlp-metrics} and {@code otlp-logs}).
   *
   * @throws IOException when the address cannot be bound (the message names it)
   */
  public static OtlpHttpReceiver start(
      OtlpReceiverConfig config, OtlpSink sink, MeterRegistry registry) throws IOException {
    return start(config, sink, registry, Clock.systemUTC());
  }

  static OtlpHttpReceiver start(
      OtlpReceiverConfig config,
      Producer<String, byte[]> producer,
      String metricsTopic,
      Clock clock)
      throws IOException {
    return start(config, OtlpSink.metricsOnly(producer, metricsTopic), clock);
  }

  static OtlpHttpReceiver start(OtlpReceiverConfig config, OtlpSink sink, Clock clock)
      throws IOException {
    return start(config, sink, new CompositeMeterRegistry(), clock);
  }

  static OtlpHttpReceiver start(
      OtlpReceiverConfig config, OtlpSink sink, MeterRegistry registry, Clock clock)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(clock, "clock");
    HttpServer server =
        HttpBinding.bind(
            config.host(),
            config.port(),
            "OTLP/HTTP",
            "is another receiver running? Choose another port, or 0 for a free one");
    SheddingExecutor workers =
        new SheddingExecutor(config.maxConnections(), config.headerTimeout());
    OtlpHttpHandler handler =
        new OtlpHttpHandler(config, new OtlpExports(config, sink, clock, registry));
    server.createContext("/", handler);
    server.setExecutor(workers);
    server.start();
    URI endpoint = HttpBinding.uri(server, METRICS_PATH);
    LOG.info(
        "OTLP/HTTP receiver listening on {}, writing to {}{}",
        endpoint,
        sink.metricsTopic(),
        sink.takesLogs() ? " and " + sink.logsTopic() : "");
    return new OtlpHttpReceiver(server, workers, handler, endpoint);
  }

  /** The bound port (the free one picked when the configured port was 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/v1/metrics}: where exporters send metrics. */
  public URI endpoint() {
    return endpoint;
  }

  /** {@code http://host:port/v1/logs}: where exporters send logs. */
  public URI logsEndpoint() {
    return endpoint.resolve(LOGS_PATH);
  }

  SheddingExecutor executor() {
    return workers;
  }

  /**
   * Stops accepting (new requests get 503), lets requests in progress finish for up to 10 s, then
   * releases the port and the worker threads. Idempotent. Does not close the producer.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    handler.stopAccepting();
    try {
      if (!handler.awaitIdle(CLOSE_GRACE)) {
        LOG.warn(
            "OTLP/HTTP receiver closing with requests still in progress after {}", CLOSE_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
    workers.shutdownNow();
    LOG.info("OTLP/HTTP receiver on {} stopped", endpoint);
  }
}
