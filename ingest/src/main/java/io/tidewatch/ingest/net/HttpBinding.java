package io.tidewatch.ingest.net;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Binds an HTTP server of Tidewatch's (the OTLP/HTTP receiver, {@code /metrics}) so that a bad host
 * or a taken port says which server and what to do, instead of the JDK's bare "Address already in
 * use"; and names where a bound server is reached.
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

  /** {@code http://host:port/path} of a bound server, with an IPv6 address in brackets. */
  public static URI uri(HttpServer server, String path) {
    InetSocketAddress bound = server.getAddress();
    String host =
        bound.getAddress() instanceof Inet6Address
            ? "[" + bound.getAddress().getHostAddress() + "]"
            : bound.getAddress().getHostAddress();
    return URI.create("http://" + host + ":" + bound.getPort() + path);
  }
}
