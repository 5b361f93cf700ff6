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

  public OtlpReceiverConfig withPort(int port) {
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

  public OtlpReceiverConfig withMaxBodyBytes(int maxBodyBytes) {
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

  public OtlpReceiverConfig withAttributeFilter(AttributeFilter attributeFilter) {
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

  public OtlpReceiverConfig withWorkerThreads(int workerThreads) {
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

  public OtlpReceiverConfig withAckTimeout(Duration ackTimeout) {
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

  public OtlpReceiverConfig withLogGrouping(LogGrouping logGrouping) {
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

  public OtlpReceiverConfig withHeaderTimeout(Duration headerTimeout) {
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

  public OtlpReceiverConfig withBodyTimeout(Duration bodyTimeout) {
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

  public OtlpReceiverConfig withMaxConnections(int maxConnections) {
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

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
