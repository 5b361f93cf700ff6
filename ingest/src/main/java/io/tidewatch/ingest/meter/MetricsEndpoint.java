package io.tidewatch.ingest.meter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidewatch.ingest.net.HttpBinding;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's own metrics as Prometheus text at {@code GET /metrics}: a {@link
 * PrometheusMeterRegistry} (with JVM memory, GC and thread meters bound) behind a small JDK HTTP
 * server. Record into {@link #registry()}; {@link #close()} releases the port.
 *
 * <p>Micrometer's {@code ProcessorMetrics} is left out: its {@code process_cpu_time_ns_total} and
 * {@code system_cpu_count} fail {@code promtool check metrics}'s naming rules.
 *
 * <pre>{@code
 * try (MetricsEndpoint metrics = MetricsEndpoint.start("127.0.0.1", 9464)) {
 *   IngestMeters meters = IngestMeters.of(metrics.registry(), IngestSource.AGENT);
 *   ...
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {

  /** Where the metrics are served. */
  public static final String PATH = "/metrics";

  /** The port registered for Prometheus exporters' self-metrics, used by default. */
  public static final int DEFAULT_PORT = 9464;

  /** The Prometheus text exposition format, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final URI uri;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsEndpoint(
      HttpServer server,
      ExecutorService executor,
      PrometheusMeterRegistry registry,
      JvmGcMetrics gcMetrics,
      URI uri) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.uri = uri;
  }

  /**
   * Binds {@code host:port} (0 = a free port) and serves a new registry.
   *
   * @throws BindException when the port is taken (the message names the address)
   */
  public static MetricsEndpoint start(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics port: 0 (a free one) to 65535. Found: " + port);
    }
    HttpServer server = HttpBinding.bind(host, port, PATH, "");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tidewatch-metrics-endpoint");
              thread.setDaemon(true);
              return thread;
            });
    server.createContext("/", exchange -> serve(exchange, registry));
    server.setExecutor(executor);
    server.start();
    URI uri = HttpBinding.uri(server, PATH);
    LOG.info("Metrics (Prometheus) served at {}", uri);
    return new MetricsEndpoint(server, executor, registry, gcMetrics, uri);
  }

  /** Where to record: the registry this endpoint serves. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code http://host:port/metrics}. */
  public URI uri() {
    return uri;
  }

  /** The bound port (the free one picked when 0 was asked for). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!PATH.equals(path)) {
        respond(exchange, 404, "no metrics at '" + path + "': GET " + PATH + "\n");
      } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "method " + method + " is not allowed on " + PATH + ": use GET\n");
      } else {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        if ("HEAD".equals(method)) {
          exchange.sendResponseHeaders(200, -1);
        } else {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Releases the port and the JVM meters' listeners. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    gcMetrics.close();
    registry.close();
  }
}
