package io.tidewatch.ingest.otlp;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OTLP/gRPC receiver: the {@code opentelemetry.proto.collector.metrics.v1.MetricsService} and
 * {@code ...logs.v1.LogsService} {@code Export} calls, with the same mapping, Kafka writes and
 * partial-success answers as {@link OtlpHttpReceiver}. gzip-compressed messages are accepted.
 *
 * <p>Status codes, as the OTLP specification asks: {@code OK} once Kafka has acknowledged every
 * accepted point or record; {@code UNAVAILABLE} (retryable) when Kafka does not, when the receiver
 * is shutting down, or when more than {@code workerThreads × 64} calls are in progress; {@code
 * RESOURCE_EXHAUSTED} for a message larger than {@link OtlpReceiverConfig#maxBodyBytes()} after
 * decompression; {@code INVALID_ARGUMENT} (not retried) when Kafka refuses a record of the export
 * as too large; {@code UNIMPLEMENTED} for logs when the sink takes metrics only.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);
  private static final long CLOSE_GRACE_SECONDS = 10;
  private static final int CALLS_IN_PROGRESS_PER_THREAD = 64;

  private final Server server;
  private final ExecutorService workers;
  private final String target;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OtlpGrpcReceiver(Server server, ExecutorService workers, String target) {
    this.server = server;
    this.workers = workers;
    this.target = target;
  }

  /**
   * Binds {@code config.host():config.port()} and serves the OTLP/gRPC services.
   *
   * @param sink where points and records go; its producers are shared and not closed here
   * @throws IOException when the address cannot be bound (the message names it)
   */
  public static OtlpGrpcReceiver start(OtlpReceiverConfig config, OtlpSink sink)
      throws IOException {
    return start(config, sink, Clock.systemUTC());
  }

  /**
   * Binds {@code config.host():config.port()}, serves the OTLP/gRPC services and counts what they
   * accept and reject into {@code registry} ({@link io.tidewatch.ingest.meter.IngestMeters},
   * sources {@code otlp-metrics} and {@code otlp-logs}).
   *
   * @throws IOException when the address cannot be bound (the message names it)
   */
  public static OtlpGrpcReceiver start(
      OtlpReceiverConfig config, OtlpSink sink, MeterRegistry registry) throws IOException {
    return start(config, sink, registry, Clock.systemUTC());
  }

  static OtlpGrpcReceiver start(OtlpReceiverConfig config, OtlpSink sink, Clock clock)
      throws IOException {
    return start(config, sink, new CompositeMeterRegistry(), clock);
  }

  static OtlpGrpcReceiver start(
      OtlpReceiverConfig config, OtlpSink sink, MeterRegistry registry, Clock clock)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(sink, "sink");
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "host: a resolvable host name or IP address. Found: '" + config.host() + "'");
    }
    OtlpExports exports = new OtlpExports(config, sink, clock, registry);
    ExecutorService workers =
        Executors.newFixedThreadPool(
            config.workerThreads(), DaemonThreads.named("tidewatch-otlp-grpc-"));
    ServerInterceptor limit =
        new InFlightLimit(config.workerThreads() * CALLS_IN_PROGRESS_PER_THREAD);
    Server server =
        NettyServerBuilder.forAddress(address)
            .executor(workers)
            .maxInboundMessageSize(config.maxBodyBytes())
            .addService(ServerInterceptors.intercept(new MetricsService(exports), limit))
            .addService(ServerInterceptors.intercept(new LogsService(exports), limit))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      workers.shutdownNow();
      if (isBindFailure(e)) {
        BindException named =
            new BindException(
                "cannot listen for OTLP/gRPC on "
                    + config.host()
                    + ":"
                    + config.port()
                    + " (Address already in use): is another receiver running? Choose another"
                    + " port, or 0 for a free one");
        named.initCause(e);
        throw named;
      }
      throw e;
    }
    int port = server.getPort();
    String host = address.getAddress().getHostAddress();
    String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    LOG.info(
        "OTLP/gRPC receiver listening on {}, writing to {}{}",
        target,
        sink.metricsTopic(),
        sink.takesLogs() ? " and " + sink.logsTopic() : "");
    return new OtlpGrpcReceiver(server, workers, target);
  }

  /**
   * Whether the server could not bind: Netty reports a taken port as a {@code BindException}, or
   * with its native transport as an {@code IOException} "Failed to bind" caused by a native error.
   */
  private static boolean isBindFailure(IOException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof BindException
          || message.contains("Failed to bind")
          || message.contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** The bound port (the free one picked when the configured port was 0). */
  public int port() {
    return server.getPort();
  }

  /** {@code host:port}: where gRPC exporters send (as {@code http://host:port}). */
  public String target() {
    return target;
  }

  /**
   * Stops taking calls (new ones fail with {@code UNAVAILABLE}), lets calls in progress finish for
   * up to 10 s, then releases the port and the threads. Idempotent. Does not close the producers.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("OTLP/gRPC receiver closing with calls still in progress");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    workers.shutdownNow();
    LOG.info("OTLP/gRPC receiver on {} stopped", target);
  }

  private static Status unavailable(String message) {
    return Status.UNAVAILABLE.withDescription(message + "; retry later");
  }

  /** A permanent refusal: {@code INVALID_ARGUMENT}, which OTLP exporters do not retry. */
  private static RuntimeException tooLarge(
      OtlpExports exports, boolean logs, OtlpExports.TooLargeException e) {
    exports.refused(logs, OtlpRequestRejectReason.RECORD_TOO_LARGE);
    return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
  }

  private static final class MetricsService extends MetricsServiceGrpc.MetricsServiceImplBase {
    private final OtlpExports exports;

    MetricsService(OtlpExports exports) {
      this.exports = exports;
    }

    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> response) {
      try {
        response.onNext(exports.metrics(request));
        response.onCompleted();
      } catch (OtlpExports.UnavailableException e) {
        response.onError(unavailable(e.getMessage()).asRuntimeException());
      } catch (OtlpExports.TooLargeException e) {
        response.onError(tooLarge(exports, false, e));
      }
    }
  }

  private static final class LogsService extends LogsServiceGrpc.LogsServiceImplBase {
    private final OtlpExports exports;

    LogsService(OtlpExports exports) {
      this.exports = exports;
    }

    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      try {
        response.onNext(exports.logs(request));
        response.onCompleted();
      } catch (OtlpExports.UnavailableException e) {
        response.onError(unavailable(e.getMessage()).asRuntimeException());
      } catch (OtlpExports.TooLargeException e) {
        response.onError(tooLarge(exports, true, e));
      } catch (OtlpExports.LogsNotReceivedException e) {
        response.onError(Status.UNIMPLEMENTED.withDescription(e.getMessage()).asRuntimeException());
      }
    }
  }

  /**
   * Back-pressure: beyond {@code limit} calls in progress, a new call is refused with {@code
   * UNAVAILABLE} at once, before its message is read, and the exporter retries later.
   */
  private static final class InFlightLimit implements ServerInterceptor {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    InFlightLimit(int limit) {
      this.limit = limit;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      if (inFlight.incrementAndGet() > limit) {
        inFlight.decrementAndGet();
        call.close(
            unavailable("the OTLP receiver is overloaded: " + limit + " calls in progress"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      ServerCall.Listener<Q> listener;
      try {
        listener = next.startCall(call, headers);
      } catch (RuntimeException e) {
        inFlight.decrementAndGet();
        throw e;
      }
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
        private final AtomicBoolean done = new AtomicBoolean();

        @Override
        public void onComplete() {
          release();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          release();
          super.onCancel();
        }

        private void release() {
          if (done.compareAndSet(false, true)) {
            inFlight.decrementAndGet();
          }
        }
      };
    }
  }
}
