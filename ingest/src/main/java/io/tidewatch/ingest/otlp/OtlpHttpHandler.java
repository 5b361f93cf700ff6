package io.tidewatch.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.Status;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code POST /v1/metrics} and {@code POST /v1/logs} as the OTLP/HTTP specification says:
 * protobuf or JSON bodies, optionally gzip-compressed; 200 with an {@code
 * ExportMetricsServiceResponse} (partial success when points or records were rejected) once Kafka
 * has acknowledged every accepted one; otherwise a 4xx/5xx with a {@code google.rpc.Status} in the
 * request's encoding (plain text when the request's encoding is unknown).
 */
final class OtlpHttpHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpHandler.class);

  static final int RETRY_AFTER_SECONDS = 5;

  private final OtlpExports exports;
  private final int maxBodyBytes;
  private final Duration bodyTimeout;
  private final Duration workerWait;
  private final Semaphore workers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ThrottledWarning refusals = new ThrottledWarning(LOG);
  private volatile boolean accepting = true;

  OtlpHttpHandler(OtlpReceiverConfig config, OtlpExports exports) {
    this.exports = exports;
    this.maxBodyBytes = config.maxBodyBytes();
    this.bodyTimeout = config.bodyTimeout();
    this.workerWait = config.ackTimeout();
    this.workers = new Semaphore(config.workerThreads(), true);
  }

  @Override
  public void handle(HttpExchange exchange) {
    inFlight.incrementAndGet();
    try {
      serve(exchange);
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "OTLP request {} {} from {} failed",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          exchange.getRemoteAddress(),
          e);
      if (exchange.getResponseCode() == -1) {
        tryRespond(
            exchange,
            new Failure(500, Code.INTERNAL, "internal error in the OTLP receiver; see its log"));
      }
    } finally {
      exchange.close();
      inFlight.decrementAndGet();
    }
  }

  /** From now on every request is answered 503, so that a closing receiver can drain. */
  void stopAccepting() {
    accepting = false;
  }

  /** Waits until no request is being served, at most {@code timeout}. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private void serve(HttpExchange exchange) throws IOException {
    ReadDeadline deadline = ReadDeadline.current();
    deadline.arm(bodyTimeout); // the headers are in: from now on the body must come
    OtlpEncoding encoding =
        OtlpEncoding.ofContentType(exchange.getRequestHeaders().getFirst("Content-Type"))
            .orElse(null);
    boolean logs = OtlpHttpReceiver.LOGS_PATH.equals(exchange.getRequestURI().getPath());
    try {
      checkRequestLine(exchange);
      if (encoding == null) {
        throw new Failure(
            415,
            Code.INVALID_ARGUMENT,
            contentTypeProblem(exchange.getRequestHeaders().getFirst("Content-Type"))
                + ": send application/x-protobuf or application/json",
            OtlpRequestRejectReason.REQUEST_UNSUPPORTED_MEDIA_TYPE);
      }
      byte[] body = readBody(exchange, deadline);
      respond(exchange, 200, encoding.mediaType(), encoding.encode(export(logs, encoding, body)));
    } catch (BodyTimeout timeout) {
      exports.refused(logs, OtlpRequestRejectReason.REQUEST_TIMEOUT);
      refusals.warn(
          OtlpRequestRejectReason.REQUEST_TIMEOUT.name(),
          "OTLP/HTTP {} from {}: closed the connection, the request body did not arrive within {}"
              + " (bodyTimeout)",
          exchange.getRequestURI().getPath(),
          exchange.getRemoteAddress(),
          bodyTimeout);
    } catch (Failure failure) {
      LOG.debug(
          "OTLP request {} {} from {} answered {}: {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(),
          exchange.getRemoteAddress(),
          failure.status,
          failure.getMessage());
      if (failure.refusal != null) {
        exports.refused(logs, failure.refusal);
        refusals.warn(
            failure.refusal.name(),
            "OTLP/HTTP {} from {} refused with {} ({}): {}",
            exchange.getRequestURI().getPath(),
            exchange.getRemoteAddress(),
            failure.status,
            failure.refusal.name().toLowerCase(Locale.ROOT),
            failure.getMessage());
      }
      respond(exchange, encoding, failure);
    } finally {
      deadline.disarm();
    }
  }

  /** Maps and writes the export on one of the {@code workerThreads}, waiting for one if need be. */
  private Message export(boolean logs, OtlpEncoding encoding, byte[] body) throws Failure {
    try {
      if (!workers.tryAcquire(workerWait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw unavailable("the OTLP receiver is overloaded: every worker is busy");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("the OTLP receiver is shutting down");
    }
    try {
      return logs ? exports.logs(parseLogs(encoding, body)) : metrics(encoding, body);
    } catch (OtlpExports.UnavailableException e) {
      throw unavailable(e.getMessage());
    } catch (OtlpExports.TooLargeException e) {
      throw new Failure(
          413, Code.INVALID_ARGUMENT, e.getMessage(), OtlpRequestRejectReason.RECORD_TOO_LARGE);
    } catch (OtlpExports.LogsNotReceivedException e) {
      throw new Failure(404, Code.NOT_FOUND, e.getMessage());
    } finally {
      workers.release();
    }
  }

  /** Checks path and method, and that this request is to be served. */
  private void checkRequestLine(HttpExchange exchange) throws Failure {
    String path = exchange.getRequestURI().getPath();
    boolean logs = OtlpHttpReceiver.LOGS_PATH.equals(path);
    if (!logs && !OtlpHttpReceiver.METRICS_PATH.equals(path)) {
      throw new Failure(
          404,
          Code.NOT_FOUND,
          "no OTLP endpoint at '"
              + path
              + "': metrics are received at POST "
              + OtlpHttpReceiver.METRICS_PATH
              + ", logs at POST "
              + OtlpHttpReceiver.LOGS_PATH);
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      throw new Failure(
          405,
          Code.UNIMPLEMENTED,
          "method " + exchange.getRequestMethod() + " is not allowed on " + path + ": use POST");
    }
    if (!accepting) {
      throw unavailable("the OTLP receiver is shutting down");
    }
    if (SheddingExecutor.isShedding()) {
      throw unavailable(
          "the OTLP receiver is overloaded: every connection slot is busy (maxConnections)");
    }
  }

  /**
   * Reads the body within {@code bodyTimeout} (the deadline is armed), or ends with {@link
   * BodyTimeout} once the deadline has closed the connection.
   */
  private byte[] readBody(HttpExchange exchange, ReadDeadline deadline)
      throws Failure, IOException, BodyTimeout {
    try {
      return readBody(exchange.getRequestHeaders(), exchange.getRequestBody());
    } catch (IOException e) {
      deadline.disarm();
      if (deadline.expired()) {
        throw new BodyTimeout();
      }
      throw e;
    } finally {
      deadline.disarm();
    }
  }

  /** Reads at most {@code maxBodyBytes}, as sent and after decompression; never more. */
  private byte[] readBody(Headers headers, InputStream requestBody) throws Failure, IOException {
    boolean gzip = isGzip(headers.getFirst("Content-Encoding"));
    long declared = contentLength(headers.getFirst("Content-Length"));
    if (declared > maxBodyBytes) {
      throw new Failure(
          413,
          Code.RESOURCE_EXHAUSTED,
          "request body of "
              + declared
              + " bytes is larger than the limit of "
              + maxBodyBytes
              + " bytes (maxBodyBytes)",
          OtlpRequestRejectReason.REQUEST_TOO_LARGE);
    }
    InputStream in = new BoundedInputStream(requestBody, maxBodyBytes, "request body");
    try {
      if (gzip) {
        in =
            new BoundedInputStream(
                new GZIPInputStream(in), maxBodyBytes, "decompressed request body");
      }
      return in.readAllBytes();
    } catch (BoundedInputStream.TooLargeException e) {
      throw new Failure(
          413,
          Code.RESOURCE_EXHAUSTED,
          e.getMessage() + " (maxBodyBytes)",
          OtlpRequestRejectReason.REQUEST_TOO_LARGE);
    } catch (ZipException | EOFException e) {
      if (!gzip) {
        throw e;
      }
      throw new Failure(
          400,
          Code.INVALID_ARGUMENT,
          "request body is not valid gzip: " + e.getMessage(),
          OtlpRequestRejectReason.REQUEST_MALFORMED);
    }
  }

  private static String contentTypeProblem(String contentType) {
    return contentType == null
        ? "missing Content-Type"
        : "unsupported Content-Type '" + contentType + "'";
  }

  private static boolean isGzip(String contentEncoding) throws Failure {
    String coding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    return switch (coding) {
      case "", "identity" -> false;
      case "gzip", "x-gzip" -> true;
      default ->
          throw new Failure(
              415,
              Code.INVALID_ARGUMENT,
              "unsupported Content-Encoding '" + contentEncoding + "': send gzip or no encoding",
              OtlpRequestRejectReason.REQUEST_UNSUPPORTED_MEDIA_TYPE);
    };
  }

  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1; // the server has already refused a malformed length; the stream bound applies
    }
  }

  /** Protobuf is read straight from its bytes (the receiver's hot path); JSON is parsed first. */
  private Message metrics(OtlpEncoding encoding, byte[] body)
      throws Failure, OtlpExports.UnavailableException, OtlpExports.TooLargeException {
    try {
      return encoding == OtlpEncoding.PROTOBUF
          ? exports.metrics(body)
          : exports.metrics(encoding.parseRequest(body));
    } catch (InvalidProtocolBufferException e) {
      throw unparsable(encoding, "ExportMetricsServiceRequest", e);
    }
  }

  private static ExportLogsServiceRequest parseLogs(OtlpEncoding encoding, byte[] body)
      throws Failure {
    try {
      return encoding.parseLogsRequest(body);
    } catch (InvalidProtocolBufferException e) {
      throw unparsable(encoding, "ExportLogsServiceRequest", e);
    }
  }

  private static Failure unparsable(
      OtlpEncoding encoding, String message, InvalidProtocolBufferException e) {
    return new Failure(
        400,
        Code.INVALID_ARGUMENT,
        "cannot parse the body as an OTLP "
            + (encoding == OtlpEncoding.JSON ? "JSON" : "protobuf")
            + " "
            + message
            + ": "
            + OtlpExports.abbreviate(String.valueOf(e.getMessage())),
        OtlpRequestRejectReason.REQUEST_MALFORMED);
  }

  private static Failure unavailable(String message) {
    return new Failure(503, Code.UNAVAILABLE, message + "; retry later", true, null);
  }

  private static void respond(HttpExchange exchange, OtlpEncoding encoding, Failure failure)
      throws IOException {
    if (failure.retryAfter) {
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    // a request in neither encoding is answered in OTLP's default one, protobuf
    OtlpEncoding answer = encoding == null ? OtlpEncoding.PROTOBUF : encoding;
    Status status =
        Status.newBuilder()
            .setCode(failure.code.getNumber())
            .setMessage(failure.getMessage())
            .build();
    respond(exchange, failure.status, answer.mediaType(), answer.encode(status));
  }

  private static void tryRespond(HttpExchange exchange, Failure failure) {
    try {
      respond(exchange, null, failure);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot send the error response to {}", exchange.getRemoteAddress(), e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * A request answered with an error status; cheap, without a stack trace.
   *
   * @param refusal why the request was refused for good (counted and logged), null for a retryable
   *     answer or a request to a wrong path or with a wrong method
   */
  private static final class Failure extends Exception {
    private final int status;
    private final Code code;
    private final boolean retryAfter;
    private final OtlpRequestRejectReason refusal;

    Failure(int status, Code code, String message) {
      this(status, code, message, false, null);
    }

    Failure(int status, Code code, String message, OtlpRequestRejectReason refusal) {
      this(status, code, message, false, refusal);
    }

    Failure(
        int status,
        Code code,
        String message,
        boolean retryAfter,
        OtlpRequestRejectReason refusal) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
      this.refusal = refusal;
    }
  }

  /** The request body did not arrive in time, and its connection has been closed. */
  private static final class BodyTimeout extends Exception {
    BodyTimeout() {
      super(null, null, false, false);
    }
  }
}
