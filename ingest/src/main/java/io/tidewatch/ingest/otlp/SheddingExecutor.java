package io.tidewatch.ingest.otlp;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's executor: where the JDK HTTP server reads each request and runs the handler.
 *
 * <p>The JDK server reads a request's headers on the executor's thread, and the handler reads the
 * body there too, both blocking; a client that stops sending holds that thread. So requests are
 * read on a pool of their own, {@code maxConnections} threads without a queue, each read under a
 * {@link ReadDeadline} ({@code headerTimeout}, then {@code bodyTimeout} armed by the handler), and
 * the CPU-bound part (mapping, writing to Kafka) is limited separately to {@code workerThreads} at
 * once by the handler. A stalled client thus holds one connection slot for at most its timeout,
 * never a worker that others need. When every slot is busy, the request goes to a small shedding
 * pool instead, where the handler sees {@link #isShedding()} and answers 503 with {@code
 * Retry-After} at once, without reading the body; when that is full too, the rejection reaches the
 * JDK server, which closes the connection (exporters retry both).
 *
 * <p>Why not the JDK server's own limits ({@code sun.net.httpserver.maxReqTime}, {@code
 * jdk.httpserver.maxConnections}): they are system properties, read once when the server class is
 * first loaded and then fixed for every HTTP server in the JVM (the {@code /metrics} endpoint,
 * which the all-in-one starts first, test fakes), so a receiver could neither set nor test its own,
 * and {@code maxReqTime} is one limit for headers and body together.
 */
final class SheddingExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(SheddingExecutor.class);
  private static final int SHEDDING_THREADS = 1;
  private static final int SHEDDING_QUEUE = 64;
  private static final long IDLE_THREAD_SECONDS = 60;
  private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

  private final ThreadPoolExecutor readers;
  private final ThreadPoolExecutor shedders;
  private final ScheduledThreadPoolExecutor timer;
  private final Duration headerTimeout;
  private final ThrottledWarning headerTimeouts;

  SheddingExecutor(int maxConnections, Duration headerTimeout) {
    this.readers =
        pool("tidewatch-otlp-http-", maxConnections, new SynchronousQueue<>()); // no waiting
    this.shedders =
        pool("tidewatch-otlp-shed-", SHEDDING_THREADS, new ArrayBlockingQueue<>(SHEDDING_QUEUE));
    this.timer =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named("tidewatch-otlp-deadline-"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.headerTimeout = headerTimeout;
    this.headerTimeouts = new ThrottledWarning(LOG);
  }

  /** Whether the current request is to be refused because the receiver is overloaded. */
  static boolean isShedding() {
    return SHEDDING.get();
  }

  @Override
  public void execute(Runnable exchange) {
    try {
      readers.execute(() -> read(exchange));
    } catch (RejectedExecutionException overloaded) {
      if (readers.isShutdown()) {
        throw overloaded;
      }
      shedders.execute(
          () -> {
            SHEDDING.set(true);
            try {
              read(exchange);
            } finally {
              SHEDDING.remove();
            }
          });
    }
  }

  private void read(Runnable exchange) {
    if (ReadDeadline.run(timer, headerTimeout, exchange)) {
      headerTimeouts.warn(
          "header_timeout",
          "OTLP/HTTP: closed a connection whose request headers did not arrive within {}"
              + " (headerTimeout)",
          headerTimeout);
    }
  }

  /** Requests being read or served right now (not counting shed ones). */
  int active() {
    return readers.getActiveCount();
  }

  void shutdownNow() {
    readers.shutdownNow();
    shedders.shutdownNow();
    timer.shutdownNow();
  }

  private static ThreadPoolExecutor pool(String name, int threads, BlockingQueue<Runnable> queue) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        queue,
        DaemonThreads.named(name),
        new ThreadPoolExecutor.AbortPolicy());
  }
}
