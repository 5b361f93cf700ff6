package io.tidewatch.actions.core;

import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the jobs of one provider: at most {@code concurrency} attempts at once, a token bucket for
 * the rate, one job at a time per serial key, and retries with backoff. Every attempt is recorded
 * in the ledger before it starts ({@code REQUESTED}, attempt n) and after it ends, so that a crash
 * in between is noticed and re-checked on restart.
 */
final class Attempts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);
  private static final Duration LEDGER_RETRY = Duration.ofSeconds(2);

  private final String lane;
  private final WorkerContext context;
  private final RateLimiter limiter;
  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService timer;
  private final Map<String, ArrayDeque<Job>> serial = new HashMap<>();
  private final Set<String> activeKeys = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final RandomGenerator random = RandomGenerator.getDefault();
  private volatile boolean closed;

  Attempts(String lane, ProviderLimits limits, WorkerContext context) {
    this.lane = lane;
    this.context = context;
    this.limiter = new RateLimiter(limits.permitsPerSecond(), context.clock().instant());
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            limits.concurrency(),
            limits.concurrency(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> daemon(runnable, "tidewatch-" + lane + "-" + threads.incrementAndGet()));
    this.timer =
        new ScheduledThreadPoolExecutor(
            1, runnable -> daemon(runnable, "tidewatch-" + lane + "-timer"));
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Jobs accepted and not finished, queued ones included. */
  int inFlight() {
    return inFlight.get();
  }

  /** Whether a job for this ledger key is queued or running here. */
  boolean isActive(String actionKey) {
    return activeKeys.contains(actionKey);
  }

  void submit(Job job) {
    inFlight.incrementAndGet();
    job.keys.forEach(key -> activeKeys.add(key.actionKey()));
    boolean startNow;
    synchronized (serial) {
      ArrayDeque<Job> queue = serial.get(job.serialKey);
      if (queue == null) {
        queue = new ArrayDeque<>();
        serial.put(job.serialKey, queue);
        startNow = true;
      } else {
        startNow = false;
      }
      queue.add(job);
    }
    if (startNow) {
      run(job);
    }
  }

  /** Runs {@code task} on the lane's timer thread after {@code delay}, e.g. policy ticks. */
  void schedule(Runnable task, Duration delay) {
    if (!closed) {
      timer.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  private void run(Job job) {
    try {
      pool.execute(() -> attempt(job));
    } catch (RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  private void later(Job job, Duration delay) {
    if (closed) {
      return;
    }
    try {
      timer.schedule(() -> run(job), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  private void attempt(Job job) {
    if (closed) {
      return;
    }
    ActionRequest request = job.request;
    MDC.put("action", job.definition.name());
    MDC.put("alarm", request.event().alarmInstance());
    try {
      if (job.failure != null) {
        finalFailure(job, job.failure, request.attempt() - 1);
        return;
      }
      ActionExecutor executor;
      try {
        executor = context.executor(job.definition);
      } catch (IllegalArgumentException e) {
        finalFailure(job, "invalid action definition: " + e.getMessage(), request.attempt());
        return;
      }
      Duration wait = limiter.reserve(context.clock().instant());
      if (positive(wait)) {
        later(job, wait);
        return;
      }
      Duration throttle = job.dryRun ? Duration.ZERO : executor.throttle(request);
      if (positive(throttle)) {
        later(job, throttle);
        return;
      }
      if (job.recheckFirst && !job.dryRun) {
        job.recheckFirst = false;
        Recheck recheck = recheck(executor, request);
        LOG.info("re-checked an unfinished attempt of {}: {}", job.definition.name(), recheck);
        if (recheck instanceof Recheck.Done done) {
          Map<String, String> detail = new HashMap<>(done.detail());
          detail.put("recovered", "recheck");
          succeed(job, detail, request.attempt() - 1, false);
          return;
        }
      }
      if (!writeAll(job, Phase.REQUESTED, request.attempt(), Map.of(), true)) {
        later(job, LEDGER_RETRY);
        return;
      }
      ActionResult result = execute(executor, job, request);
      if (result instanceof ActionResult.Succeeded succeeded) {
        succeed(job, succeeded.detail(), request.attempt(), false);
      } else if (result instanceof ActionResult.Planned planned) {
        succeed(job, planned.plan(), request.attempt(), true);
      } else if (result instanceof ActionResult.Retryable retryable) {
        retry(job, request, retryable);
      } else if (result instanceof ActionResult.Permanent permanent) {
        finalFailure(job, permanent.reason(), request.attempt());
      }
    } catch (RuntimeException e) {
      LOG.error("unexpected failure running {}; retrying", job.definition.name(), e);
      later(job, LEDGER_RETRY);
    } finally {
      MDC.remove("action");
      MDC.remove("alarm");
    }
  }

  private static Recheck recheck(ActionExecutor executor, ActionRequest request) {
    try {
      return executor.recheck(request);
    } catch (RuntimeException e) {
      return new Recheck.Unknown("the re-check failed: " + e.getClass().getSimpleName());
    }
  }

  private static ActionResult execute(ActionExecutor executor, Job job, ActionRequest request) {
    try {
      ActionResult result = job.dryRun ? executor.plan(request) : executor.execute(request);
      if (result == null) {
        return ActionResult.Retryable.of("the provider returned no result");
      }
      return result;
    } catch (RuntimeException e) {
      return ActionResult.Retryable.of(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  private void retry(Job job, ActionRequest request, ActionResult.Retryable failure) {
    int attempt = request.attempt();
    String reason = context.redactor().redact(failure.reason());
    if (!context.config().retry().mayRetryAfter(attempt)) {
      finalFailure(
          job,
          reason + " (gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s") + ")",
          attempt);
      return;
    }
    Duration delay = context.config().retry().delay(attempt, failure.retryAfter(), random);
    LOG.warn(
        "{} attempt {} failed, retrying in {} ms: {}",
        job.definition.name(),
        attempt,
        delay.toMillis(),
        reason);
    Map<String, String> detail = new HashMap<>();
    detail.put(ActionLedger.ERROR, reason);
    detail.put("retryInMs", Long.toString(delay.toMillis()));
    failure
        .retryAfter()
        .ifPresent(after -> detail.put("retryAfterMs", Long.toString(after.toMillis())));
    writeAllPersistently(job, Phase.FAILED, attempt, detail, true);
    job.request = request.withAttempt(attempt + 1);
    later(job, delay);
  }

  private void succeed(Job job, Map<String, String> detail, int attempt, boolean dryRun) {
    Map<String, String> clean = new HashMap<>(context.redactor().redact(detail));
    if (dryRun) {
      clean.put(ActionLedger.DRY_RUN, "true");
    }
    writeAllPersistently(job, dryRun ? Phase.DRY_RUN : Phase.SUCCEEDED, attempt, clean, false);
    if (!dryRun) {
      context
          .signal()
          .recovered(
              job.definition.name(),
              job.type(),
              job.request.event(),
              job.keys.get(0).actionKey(),
              context.clock().instant());
    }
    finish(job, () -> job.outcome.succeeded(job, clean, dryRun));
  }

  private void finalFailure(Job job, String rawReason, int attempt) {
    String reason = context.redactor().redact(rawReason);
    Map<String, String> detail = new HashMap<>();
    detail.put(ActionLedger.ERROR, reason);
    detail.put(ActionLedger.FINAL, "true");
    writeAllPersistently(job, Phase.FAILED, attempt, detail, false);
    AlarmStateChange event = job.request.event();
    Instant now = context.clock().instant();
    try {
      context
          .deadLetters()
          .actionFailed(
              event.alarmInstance(),
              Codecs.ALARM_STATE_CHANGE.encode(event),
              job.origin,
              job.definition.name(),
              job.keys.get(0).actionKey(),
              attempt,
              reason,
              now);
    } catch (RuntimeException e) {
      LOG.error("could not dead-letter the failed action {}", job.definition.name(), e);
    }
    if (!job.dryRun) {
      context
          .signal()
          .raise(
              job.definition.name(), job.type(), event, job.keys.get(0).actionKey(), reason, now);
    }
    finish(job, () -> job.outcome.failed(job, reason));
  }

  private void finish(Job job, Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.error("the completion of {} failed", job.definition.name(), e);
    }
    job.keys.forEach(key -> activeKeys.remove(key.actionKey()));
    inFlight.decrementAndGet();
    Job next;
    synchronized (serial) {
      ArrayDeque<Job> queue = serial.get(job.serialKey);
      queue.poll();
      next = queue.peek();
      if (next == null) {
        serial.remove(job.serialKey);
      }
    }
    if (next != null) {
      run(next);
    }
  }

  /** Writes one record per key; false when the ledger is unavailable (nothing was done yet). */
  private boolean writeAll(
      Job job, Phase phase, int attempt, Map<String, String> detail, boolean open) {
    try {
      write(job, phase, attempt, detail, open);
      return true;
    } catch (ActionLedger.LedgerUnavailableException e) {
      LOG.warn(
          "the action ledger is unavailable; {} waits: {}", job.definition.name(), e.getMessage());
      return false;
    }
  }

  /** An outcome must be recorded: the side effect has happened. Retries until written or closed. */
  private void writeAllPersistently(
      Job job, Phase phase, int attempt, Map<String, String> detail, boolean open) {
    while (!closed) {
      if (writeAll(job, phase, attempt, detail, open)) {
        return;
      }
      try {
        Thread.sleep(LEDGER_RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void write(Job job, Phase phase, int attempt, Map<String, String> detail, boolean open) {
    Instant now = context.clock().instant();
    for (LedgerKey key : job.keys) {
      Map<String, String> base = open ? key.open() : key.closed();
      context.ledger().write(key.record(phase, attempt, now, LedgerKey.merge(base, detail)));
    }
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isZero() && !duration.isNegative();
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }
}
