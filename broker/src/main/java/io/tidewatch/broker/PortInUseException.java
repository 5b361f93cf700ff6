package io.tidewatch.broker;

/** The Kafka port asked for is taken by another process. */
public final class PortInUseException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final int port;

  public PortInUseException(int port) {
    super(
        "port "
            + port
            + " on 127.0.0.1 is already in use: stop the process holding it, choose another with"
            + " --kafka-port, or let Tidewatch pick a free one with --kafka-port 0");
    this.port = port;
  }

  public int port() {
    return port;
  }
}
