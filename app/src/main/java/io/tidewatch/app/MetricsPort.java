package io.tidewatch.app;

import io.tidewatch.ingest.meter.MetricsEndpoint;
import java.io.IOException;
import java.net.BindException;

/**
 * The {@code --metrics-port} option of {@code up}, {@code ingest} and {@code agent}: {@code
 * /metrics} on loopback only (a process's internals are not for the network; put a proxy or a local
 * Prometheus agent in front to reach them from elsewhere), a taken port a usage error that names
 * the option.
 */
final class MetricsPort {

  static final String HOST = "127.0.0.1";

  private MetricsPort() {}

  static MetricsEndpoint start(int port) throws IOException {
    try {
      return MetricsEndpoint.start(HOST, port);
    } catch (BindException e) {
      throw new OneLineErrors.UsageException(
          "port "
              + port
              + " on "
              + HOST
              + " is already in use (metrics): stop what holds it, or choose another with"
              + " --metrics-port PORT (--metrics-port 0 picks a free one)");
    } catch (IllegalArgumentException e) {
      throw new OneLineErrors.UsageException("--metrics-port: " + e.getMessage());
    }
  }
}
