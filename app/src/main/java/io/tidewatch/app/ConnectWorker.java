package io.tidewatch.app;

import io.tidewatch.ingest.connect.FileLogSourceConfig;
import io.tidewatch.ingest.connect.FileLogSourceConnector;
import io.tidewatch.model.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A Kafka Connect worker in this process running Tidewatch's file source connector, in one of two
 * modes:
 *
 * <ul>
 *   <li><b>distributed</b> ({@code tidewatch ingest}): offsets, configs and status in Kafka topics,
 *       exactly-once source support, workers on several hosts form one cluster;
 *   <li><b>standalone</b> ({@code tidewatch ingest --standalone}, {@code tidewatch up --ingest}):
 *       offsets in a local file, no internal topics. Connect has no exactly-once source support in
 *       standalone mode, so delivery is at-least-once: after a crash, lines read since the last
 *       offset flush ({@link #STANDALONE_FLUSH_MS} ms) are delivered again. A clean stop flushes.
 * </ul>
 */
final class ConnectWorker implements AutoCloseable {

  /** How often a standalone worker writes its offsets file: the most a crash can repeat. */
  static final String STANDALONE_FLUSH_MS = "1000";

  private final Connect<? extends Herder> connect;

  private ConnectWorker(Connect<? extends Herder> connect) {
    this.connect = connect;
  }

  /**
   * The connector's configuration from its settings (files, format, log group, ...): checked with
   * the connector's own rules before anything starts.
   *
   * @throws OneLineErrors.UsageException naming the bad setting
   */
  static Map<String, String> fileConnector(
      Map<String, String> settings, Topics topics, String name, boolean exactlyOnce) {
    Map<String, String> connector = new LinkedHashMap<>(settings);
    connector.put(FileLogSourceConfig.TOPIC_PREFIX_CONFIG, topics.prefix());
    try {
      new FileLogSourceConfig(connector);
    } catch (ConfigException e) {
      throw new OneLineErrors.UsageException(
          e.getMessage()
              + " (set it with an option, e.g. --files/--format/--log-group, or --config)");
    }
    connector.put("name", name);
    connector.put("connector.class", FileLogSourceConnector.class.getName());
    connector.put("tasks.max", "1");
    if (exactlyOnce) {
      connector.put("exactly.once.support", "required");
    }
    connector.putAll(FileLogSourceConfig.CONVERTERS);
    return connector;
  }

  /** The settings of a standalone worker: offsets in {@code offsetsFile}, REST on {@code rest}. */
  static Map<String, String> standaloneWorker(String bootstrap, Path offsetsFile, String rest) {
    Map<String, String> worker = new LinkedHashMap<>();
    worker.put("bootstrap.servers", bootstrap);
    worker.put("offset.storage.file.filename", offsetsFile.toAbsolutePath().toString());
    worker.put("offset.flush.interval.ms", STANDALONE_FLUSH_MS);
    worker.putAll(FileLogSourceConfig.CONVERTERS);
    worker.put("listeners", rest);
    worker.put("plugin.discovery", "service_load");
    return worker;
  }

  /**
   * Starts a distributed worker (it joins its group and creates its internal topics) and creates or
   * updates the connector.
   */
  static ConnectWorker startDistributed(
      Map<String, String> workerConfig, String connectorName, Map<String, String> connectorConfig)
      throws Exception {
    return withConnector(
        new ConnectDistributed().startConnect(workerConfig), connectorName, connectorConfig);
  }

  /** Starts a standalone worker and creates or updates the connector. */
  static ConnectWorker startStandalone(
      Map<String, String> workerConfig, String connectorName, Map<String, String> connectorConfig)
      throws Exception {
    Path offsets = Path.of(workerConfig.get("offset.storage.file.filename")).toAbsolutePath();
    Files.createDirectories(offsets.getParent());
    return withConnector(
        new ConnectStandalone().startConnect(workerConfig), connectorName, connectorConfig);
  }

  private static ConnectWorker withConnector(
      Connect<? extends Herder> connect, String connectorName, Map<String, String> connectorConfig)
      throws Exception {
    ConnectWorker worker = new ConnectWorker(connect);
    try {
      FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
      connect.herder().putConnectorConfig(connectorName, connectorConfig, true, created);
      created.get(120, TimeUnit.SECONDS);
      return worker;
    } catch (Exception e) {
      worker.close();
      throw e;
    }
  }

  String restUrl() {
    return String.valueOf(connect.rest().serverUrl());
  }

  @Override
  public void close() {
    connect.stop();
  }
}
