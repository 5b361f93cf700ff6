package io.tidewatch.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A load generator's HTTP/1.1 client: one keep-alive connection, requests written from bytes built
 * in advance, responses read with a fixed {@code Content-Length}. It does the least work a client
 * can, so that a benchmark's CPU goes to the server under test rather than to the client (the JDK's
 * {@code HttpClient}, asynchronous and general, took about a tenth of the machine). Not
 * thread-safe: one per client thread.
 */
final class KeepAliveHttpClient implements AutoCloseable {

  /** A response: its status and body. */
  record Response(int status, byte[] body) {}

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  KeepAliveHttpClient(URI endpoint) throws IOException {
    socket = new Socket(endpoint.getHost(), endpoint.getPort());
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
  }

  /**
   * The bytes of a {@code POST} of {@code body} to {@code endpoint}, to send with {@link #send}.
   */
  static byte[] post(URI endpoint, String contentType, byte[] body) {
    byte[] head =
        ("POST "
                + endpoint.getRawPath()
                + " HTTP/1.1\r\nHost: "
                + endpoint.getHost()
                + ":"
                + endpoint.getPort()
                + "\r\nContent-Type: "
                + contentType
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /** Sends a request made by {@link #post} and reads its response. */
  Response send(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x response: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    int length = -1;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      if (colon > 0
          && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        length = Integer.parseInt(header.substring(colon + 1).trim());
      }
    }
    if (length < 0) {
      throw new IOException("response " + status + " without Content-Length");
    }
    return new Response(status, in.readNBytes(length));
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("connection closed in the middle of a response");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
