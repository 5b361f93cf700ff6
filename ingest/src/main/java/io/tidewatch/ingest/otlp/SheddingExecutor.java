package io.tidewatch.ingest.otlp;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receiver's bounded executor. Requests run on a fixed pool with a bounded queue; when that is
 * full, the request goes to a small shedding pool instead, where the handler sees {@link
 * #isShedding()} and answers 503 with {@code Retry-After} at once, without reading the body. When
 * the shedding pool is full too, the rejection reaches the JDK HTTP server, which closes the
 * connection (exporters retry that as well).
 */
final class SheddingExecutor implements Executor {

  private static final int SHEDDING_THREADS = 1;
  private static final int SHEDDING_QUEUE = 64;
  private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

  private final ThreadPoolExecutor workers;
  private final ThreadPoolExecutor shedders;

  SheddingExecutor(int threads, int queueCapacity) {
    this.workers = pool("tidewatch-otlp-http-", threads, queueCapacity);
    this.shedders = pool("tidewatch-otlp-shed-", SHEDDING_THREADS, SHEDDING_QUEUE);
  }

  /** Whether the current request is to be refused because the receiver is overloaded. */
  static boolean isShedding() {
    return SHEDDING.get();
  }

  @Override
  public void execute(Runnable exchange) {
    try {
      workers.execute(exchange);
    } catch (RejectedExecutionException overloaded) {
      if (workers.isShutdown()) {
        throw overloaded;
      }
      shedders.execute(
          () -> {
            SHEDDING.set(true);
            try {
              exchange.run();
            } finally {
              SHEDDING.remove();
            }
          });
    }
  }

  /** Requests being served right now (not counting shed ones). */
  int active() {
    return workers.getActiveCount();
  }

  /** Requests waiting for a worker. */
  int queued() {
    return workers.getQueue().size();
  }

  void shutdownNow() {
    workers.shutdownNow();
    shedders.shutdownNow();
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queueCapacity) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, name + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        factory,
        new ThreadPoolExecutor.AbortPolicy());
  }
}
