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
 * @param workerThreads how many requests are handled at once; further requests wait in a bounded
 *     queue, and beyond that their connection is closed (OTLP exporters retry)
 * @param ackTimeout how long a request waits for Kafka to acknowledge its points before it is
 *     answered 503 (keep it below the exporters' timeout, 10 s by default)
 * @param logGrouping which resource attributes name the log group and stream of OTLP logs
 */
public record OtlpReceiverConfig(
    String host,
    int port,
    int maxBodyBytes,
    AttributeFilter attributeFilter,
    int workerThreads,
    Duration ackTimeout,
    LogGrouping logGrouping) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 4318;
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
  public static final int MAX_BODY_BYTES_LIMIT = 1024 * 1024 * 1024;
  public static final int DEFAULT_WORKER_THREADS = 4;
  public static final int MAX_WORKER_THREADS = 256;
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);

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
    if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
      violations.add("ackTimeout: a positive duration. Found: " + ackTimeout);
    }
    if (logGrouping == null) {
      violations.add("logGrouping: required (LogGrouping.defaults()). Found: null");
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
        LogGrouping.defaults());
  }

  public OtlpReceiverConfig withHost(String host) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  public OtlpReceiverConfig withPort(int port) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  public OtlpReceiverConfig withMaxBodyBytes(int maxBodyBytes) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  public OtlpReceiverConfig withAttributeFilter(AttributeFilter attributeFilter) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  public OtlpReceiverConfig withWorkerThreads(int workerThreads) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  public OtlpReceiverConfig withAckTimeout(Duration ackTimeout) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  public OtlpReceiverConfig withLogGrouping(LogGrouping logGrouping) {
    return new OtlpReceiverConfig(
        host, port, maxBodyBytes, attributeFilter, workerThreads, ackTimeout, logGrouping);
  }

  private static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
