package io.tidewatch.app;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.util.FutureCallback;

/** A distributed Kafka Connect worker in this process, with one connector put in place. */
final class ConnectWorker implements AutoCloseable {

  private final Connect<DistributedHerder> connect;

  private ConnectWorker(Connect<DistributedHerder> connect) {
    this.connect = connect;
  }

  /**
   * Starts the worker (it joins its group and creates its internal topics) and creates or updates
   * the connector.
   */
  static ConnectWorker start(
      Map<String, String> workerConfig, String connectorName, Map<String, String> connectorConfig)
      throws Exception {
    Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(workerConfig);
    ConnectWorker worker = new ConnectWorker(connect);
    try {
      FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<ConnectorInfo>> created =
          new FutureCallback<>();
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
