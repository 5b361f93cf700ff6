package io.tidewatch.actions.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The outcome of one attempt. Reasons and details are recorded in the ledger: never secrets. */
public sealed interface ActionResult {

  /**
   * The side effect happened.
   *
   * @param detail facts worth recording (target, message id); keys starting with {@code thread.}
   *     identify a conversation that later notifications of the same group continue
   */
  record Succeeded(Map<String, String> detail) implements ActionResult {
    public Succeeded {
      detail = Map.copyOf(detail);
    }
  }

  /**
   * Worth another attempt: rate limited, 5xx, connection reset, timeout.
   *
   * @param retryAfter what the target asked for (HTTP {@code Retry-After}), if anything
   */
  record Retryable(String reason, Optional<Duration> retryAfter) implements ActionResult {
    public Retryable {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public static Retryable of(String reason) {
      return new Retryable(reason, Optional.empty());
    }
  }

  /** Retrying cannot help (unknown channel, bad credentials, invalid request). */
  record Permanent(String reason) implements ActionResult {
    public Permanent {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Dry run: what would have been done.
   *
   * @param plan at least a {@code plan} entry in words, e.g. {@code chat.postMessage channel=#ops
   *     text=...}
   */
  record Planned(Map<String, String> plan) implements ActionResult {
    public Planned {
      plan = Map.copyOf(plan);
      if (plan.isEmpty()) {
        throw new IllegalArgumentException("a dry-run plan must say what would be done");
      }
    }
  }
}
