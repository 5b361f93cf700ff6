package io.tidewatch.ingest.net;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * Binds an HTTP server of Tidewatch's (the OTLP/HTTP receiver, {@code /metrics}) so that a bad host
 * or a taken port says which server and what to do, instead of the JDK's bare "Address already in
 * use".
 */
public final class HttpBinding {

  private HttpBinding() {}

  /**
   * An unstarted server bound to {@code host:port} (0 = a free port).
   *
   * @param serves what the server is for, e.g. "OTLP/HTTP"
   * @param hint what to do when the port is taken, appended to the message
   * @throws IllegalArgumentException when {@code host} does not resolve
   * @throws BindException when the port is taken; its message names {@code serves}, the address and
   *     the hint
   */
  public static HttpServer bind(String host, int port, String serves, String hint)
      throws IOException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "host: a resolvable host name or IP address. Found: '" + host + "'");
    }
    try {
      return HttpServer.create(address, 0);
    } catch (BindException e) {
      BindException named =
          new BindException(
              "cannot serve "
                  + serves
                  + " on "
                  + host
                  + ":"
                  + port
                  + " ("
                  + e.getMessage()
                  + ")"
                  + (hint.isEmpty() ? "" : ": " + hint));
      named.initCause(e);
      throw named;
    }
  }
}
