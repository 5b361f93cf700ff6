package io.tidewatch.ingest.otlp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the OTLP/HTTP receiver. All violations are reported together.
 *
 * @param host the address to listen on; {@value #DEFAULT_HOST} by default, {@code 0.0.0.0} for all
 *     interfaces
 * @param port the TCP port; {@value #DEFAULT_PORT} (OTLP/HTTP's) by default, 0 for any free port
 * @param maxBodyBytes the largest request body accepted, checked on the bytes as sent and again
 *     after decompression; larger requests get 413
 * @param attributeFilter which resource attributes become dimensions
 * @param workerThreads how many requests are mapped and written to Kafka at once; a request read in
 *     full waits for one up to {@code ackTimeout}, then it is answered 503 (OTLP exporters retry).
 *     OTLP/gRPC: its handler threads
 * @param ackTimeout how long a request waits for Kafka to acknowledge its points before it is
 *     answered 503 (keep it below the exporters' timeout, 10 s by default)
 * @param logGrouping which resource attributes name the log group and stream of OTLP logs
 * @param headerTimeout OTLP/HTTP: how long a request may take to send its request line and headers
 *     from its first byte; a connection that takes longer is closed without an answer
 * @param bodyTimeout OTLP/HTTP: how long a request may take to send its body once its headers are
 *     in; a connection that takes longer is closed without an answer
 * @param maxConnections OTLP/HTTP: how many requests may be read and served at once, each on a
 *     thread of its own (a slow client holds one of these, never one of the {@code workerThreads});
 *     a request beyond it is answered 503 with {@code Retry-After} at once, or its connection
 *     closed
 */
public record OtlpReceiverConfig(
    String host,
    int port,
    int maxBodyBytes,
    AttributeFilter attributeFilter,
    int workerThreads,
    Duration ackTimeout,
    LogGrouping logGrouping,
    Duration headerTimeout,
    Duration bodyTimeout,
    int maxConnections) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 4318;
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
  public static final int MAX_BODY_BYTES_LIMIT = 1024 * 1024 * 1024;
  public static final int DEFAULT_WORKER_THREADS = 4;
  public static final int MAX_WORKER_THREADS = 256;
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONNECTIONS = 32;
  public static final int MAX_CONNECTIONS_LIMIT = 4096;

  public OtlpReceiverConfig {
    List<String> violations = new ArrayList<>();
    if (host == null || host.isBlank()) {
      violations.add("host: a host name or IP address to listen on. Found: " + quoted(host));
    }
    if (port < 0 || port > 65535) {
      violations.add("port: 0..65535 (0 picks a free port). Found: " + port);
    }
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
      violations.add("maxBodyBytes: 1.." + MAX_BODY_BYTES_LIMIT + ". Found: " + maxBodyBytes);
    }
    if (attributeFilter == null) {
      violations.add("attributeFilter: required (AttributeFilter.defaults()). Found: null");
    }
    if (workerThreads < 1 || workerThreads > MAX_WORKER_THREADS) {
      violations.add("workerThreads: 1.." + MAX_WORKER_THREADS + ". Found: " + workerThreads);
    }
    if (!isPositive(ackTimeout)) {
      violations.add("ackTimeout: a positive duration. Found: " + ackTimeout);
    }
    if (logGrouping == null) {
      violations.add("logGrouping: required (LogGrouping.defaults()). Found: null");
    }
    if (!isPositive(headerTimeout)) {
      violations.add("headerTimeout: a positive duration. Found: " + headerTimeout);
    }
    if (!isPositive(bodyTimeout)) {
      violations.add("bodyTimeout: a positive duration. Found: " + bodyTimeout);
    }
    if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
      violations.add("maxConnections: 1.." + MAX_CONNECTIONS_LIMIT + ". Found: " + maxConnections);
    }
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid OTLP receiver config: " + String.join("; ", violations));
    }
  }

  public static OtlpReceiverConfig defaults() {
    return new OtlpReceiverConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        DEFAULT_MAX_BODY_BYTES,
        AttributeFilter.defaults(),
        DEFAULT_WORKER_THREADS,
        DEFAULT_ACK_TIMEOUT,
        LogGrouping.defaults(),
        DEFAULT_HEADER_TIMEOUT,
        DEFAULT_BODY_TIMEOUT,
        DEFAULT_MAX_CONNECTIONS);
  }

  public OtlpReceiverConfig withHost(String host) {
    return toBuilder().host(host).build();
  }

  public OtlpReceiverConfig withPort(int port) {
    return toBuilder().port(port).build();
  }

  public OtlpReceiverConfig withMaxBodyBytes(int maxBodyBytes) {
    return toBuilder().maxBodyBytes(maxBodyBytes).build();
  }

  public OtlpReceiverConfig withAttributeFilter(AttributeFilter attributeFilter) {
    return toBuilder().attributeFilter(attributeFilter).build();
  }

  public OtlpReceiverConfig withWorkerThreads(int workerThreads) {
    return toBuilder().workerThreads(workerThreads).build();
  }

  public OtlpReceiverConfig withAckTimeout(Duration ackTimeout) {
    return toBuilder().ackTimeout(ackTimeout).build();
  }

  public OtlpReceiverConfig withLogGrouping(LogGrouping logGrouping) {
    return toBuilder().logGrouping(logGrouping).build();
  }

  public OtlpReceiverConfig withHeaderTimeout(Duration headerTimeout) {
    return toBuilder().headerTimeout(headerTimeout).build();
  }

  public OtlpReceiverConfig withBodyTimeout(Duration bodyTimeout) {
    return toBuilder().bodyTimeout(bodyTimeout).build();
  }

  public OtlpReceiverConfig withMaxConnections(int maxConnections) {
    return toBuilder().maxConnections(maxConnections).build();
  }

  /** A builder holding this config's settings, to change several at once. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes several settings at once; {@link #build()} checks them together, so every violation is
   * reported in one message.
   */
  public static final class Builder {
    private String host;
    private int port;
    private int maxBodyBytes;
    private AttributeFilter attributeFilter;
    private int workerThreads;
    private Duration ackTimeout;
    private LogGrouping logGrouping;
    private Duration headerTimeout;
    private Duration bodyTimeout;
    private int maxConnections;

    private Builder(OtlpReceiverConfig config) {
      this.host = config.host;
      this.port = config.port;
      this.maxBodyBytes = config.maxBodyBytes;
      this.attributeFilter = config.attributeFilter;
      this.workerThreads = config.workerThreads;
      this.ackTimeout = config.ackTimeout;
      this.logGrouping = config.logGrouping;
      this.headerTimeout = config.headerTimeout;
      this.bodyTimeout = config.bodyTimeout;
      this.maxConnections = config.maxConnections;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder attributeFilter(AttributeFilter attributeFilter) {
      this.attributeFilter = attributeFilter;
      return this;
    }

    public Builder workerThreads(int workerThreads) {
      this.workerThreads = workerThreads;
      return this;
    }

    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = ackTimeout;
      return this;
    }

    public Builder logGrouping(LogGrouping logGrouping) {
      this.logGrouping = logGrouping;
      return this;
    }

    public Builder headerTimeout(Duration headerTimeout) {
      this.headerTimeout = headerTimeout;
      return this;
    }

    public Builder bodyTimeout(Duration bodyTimeout) {
      this.bodyTimeout = bodyTimeout;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public OtlpReceiverConfig build() {
      return new OtlpReceiverConfig(
          host,
          port,
          maxBodyBytes,
          attributeFilter,
          workerThreads,
          ackTimeout,
          logGrouping,
          headerTimeout,
          bodyTimeout,
          maxConnections);
    }
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
