package io.tidewatch.ingest.agent;

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
 * @param bootstrapServers the Kafka cluster
 * @param topicPrefix prefix of the Tidewatch topics
 * @param spoolDir where records wait while Kafka is unreachable
 * @param spoolMaxBytes the most the spool holds; beyond it the oldest records are dropped, counted
 * @param hostMetrics whether host metrics are collected
 * @param logs the log files to ship
 */
public record AgentConfig(
    Duration interval,
    String host,
    String namespace,
    Map<String, String> dimensions,
    String bootstrapServers,
    String topicPrefix,
    Path spoolDir,
    long spoolMaxBytes,
    boolean hostMetrics,
    List<LogFiles> logs) {

  public AgentConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(spoolDir, "spoolDir");
    dimensions = Map.copyOf(dimensions);
    logs = List.copyOf(logs);
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
