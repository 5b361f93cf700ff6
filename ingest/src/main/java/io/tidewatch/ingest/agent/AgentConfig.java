package io.tidewatch.ingest.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's settings, as read from {@code agent.yaml} by {@link AgentConfigLoader}.
 *
 * @param interval how often host metrics are collected and the status line is printed
 * @param host the {@code host} dimension of every metric (default: the machine's host name)
 * @param namespace the namespace of the agent's metrics
 * @param dimensions added to every metric
 * @param output where records go: a Kafka cluster or an OTLP endpoint
 * @param spoolDir where records wait while the output is unreachable
 * @param spoolMaxBytes the most the spool holds; beyond it the oldest records are dropped, counted
 * @param hostMetrics whether host metrics are collected
 * @param logs the log files to ship
 */
public record AgentConfig(
    Duration interval,
    String host,
    String namespace,
    Map<String, String> dimensions,
    Output output,
    Path spoolDir,
    long spoolMaxBytes,
    boolean hostMetrics,
    List<LogFiles> logs) {

  public AgentConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(spoolDir, "spoolDir");
    dimensions = Map.copyOf(dimensions);
    logs = List.copyOf(logs);
  }

  /** Where the agent ships to: exactly one of {@code kafka:} and {@code otlp:}. */
  public sealed interface Output permits Kafka, Otlp {}

  /**
   * Records straight to the Tidewatch topics.
   *
   * @param topicPrefix prefix of the Tidewatch topics
   */
  public record Kafka(String bootstrapServers, String topicPrefix) implements Output {
    public Kafka {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topicPrefix, "topicPrefix");
    }
  }

  /**
   * OTLP/HTTP with protobuf bodies to {@code endpoint/v1/metrics} and {@code endpoint/v1/logs}.
   *
   * @param endpoint scheme, host, port and optional base path, without a trailing slash
   * @param headers sent with every request (authentication); values are secrets and never logged
   * @param timeout for connecting and for each request
   * @param gzip whether request bodies are gzip-compressed
   */
  public record Otlp(URI endpoint, Map<String, String> headers, Duration timeout, boolean gzip)
      implements Output {
    public Otlp {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(timeout, "timeout");
      headers = Map.copyOf(headers);
    }

    /** Without the header values. */
    @Override
    public String toString() {
      return "Otlp[endpoint="
          + endpoint
          + ", headers="
          + headers.keySet()
          + ", timeout="
          + timeout
          + ", gzip="
          + gzip
          + "]";
    }
  }

  /**
   * One set of log files.
   *
   * @param paths files or globs ({@code /var/log/nginx/*.log})
   * @param format a {@link io.tidewatch.ingest.parse.LogFormats} name
   * @param layout the format's layout (nginx {@code log_format}, flow-log fields), if any
   * @param logGroup the log group of their events
   * @param startAt where files present at the first start of this set are read from; later restarts
   *     resume after the last shipped line whatever this says
   */
  public record LogFiles(
      List<String> paths,
      String format,
      Optional<String> layout,
      String logGroup,
      StartAt startAt) {
    public LogFiles {
      paths = List.copyOf(paths);
      Objects.requireNonNull(startAt, "startAt");
    }
  }

  /** Where a set of log files is first read from (files that appear later: their start). */
  public enum StartAt {
    /** Only lines written after the agent first started (the default). */
    END,
    /** Everything the files hold. */
    BEGINNING
  }
}
