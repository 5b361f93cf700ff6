package io.tidewatch.ingest.otlp;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A time limit on a blocking read of one request (its headers, then its body), enforced by
 * interrupting the thread that reads. The JDK HTTP server reads plain-HTTP requests from a blocking
 * {@link java.nio.channels.SocketChannel}, an {@link java.nio.channels.InterruptibleChannel}:
 * interrupting a thread blocked in it, or about to block in it, closes the channel, the read ends
 * with {@link java.nio.channels.ClosedByInterruptException}, and the server drops the connection.
 * (A socket's {@code SO_TIMEOUT} does not apply to channel reads, and the server's own {@code
 * sun.net.httpserver.maxReqTime} is one JVM-wide setting read once, see {@link SheddingExecutor}.)
 *
 * <p>Only the owning thread arms and disarms; the timer interrupts only while armed, so no
 * interrupt reaches the thread once the read is over. One per request-serving thread ({@link
 * #current()}).
 */
final class ReadDeadline {

  private static final ThreadLocal<ReadDeadline> CURRENT = new ThreadLocal<>();

  private final ScheduledExecutorService timer;
  private final Thread reader;
  private ScheduledFuture<?> pending;
  private boolean armed;
  private boolean expired;
  private int arms;
  private int expiredArm;

  private ReadDeadline(ScheduledExecutorService timer, Thread reader) {
    this.timer = timer;
    this.reader = reader;
  }

  /**
   * Runs {@code task} on this thread with a deadline of its own, armed with {@code firstTimeout}
   * (the header read), and disarmed when it returns.
   *
   * @return whether the first deadline (the headers') expired: the connection was closed before the
   *     request reached a handler
   */
  static boolean run(ScheduledExecutorService timer, Duration firstTimeout, Runnable task) {
    ReadDeadline deadline = new ReadDeadline(timer, Thread.currentThread());
    CURRENT.set(deadline);
    try {
      deadline.arm(firstTimeout);
      task.run();
    } finally {
      deadline.disarm();
      CURRENT.remove();
    }
    synchronized (deadline) {
      return deadline.expired && deadline.expiredArm == 1;
    }
  }

  /** The deadline of the request this thread serves; a disarmed one when it serves none. */
  static ReadDeadline current() {
    ReadDeadline deadline = CURRENT.get();
    return deadline != null ? deadline : new ReadDeadline(null, Thread.currentThread());
  }

  /** From now on the read must end within {@code timeout}. */
  synchronized void arm(Duration timeout) {
    armed = false;
    cancelTimer();
    if (timer == null) {
      return;
    }
    expired = false;
    arms++;
    try {
      int arm = arms;
      pending = timer.schedule(() -> expire(arm), timeout.toNanos(), TimeUnit.NANOSECONDS);
      armed = true;
    } catch (RejectedExecutionException closing) {
      // the receiver is closing: it closes every connection itself
    }
  }

  /** The read is over: no interrupt comes from now on, and a late one is cleared. */
  void disarm() {
    synchronized (this) {
      armed = false;
      cancelTimer();
    }
    if (Thread.currentThread() == reader) {
      Thread.interrupted(); // an interrupt that came after the last read: the channel is still open
    }
  }

  /** Whether the read armed last took too long, and the connection was closed for that. */
  synchronized boolean expired() {
    return expired;
  }

  /** The deadline of arm number {@code arm} has passed; a later arm has a deadline of its own. */
  private synchronized void expire(int arm) {
    if (armed && arm == arms) {
      armed = false;
      expired = true;
      expiredArm = arms;
      reader.interrupt();
    }
  }

  private void cancelTimer() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }
}
