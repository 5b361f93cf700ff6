package io.tidewatch.actions.core;

import java.time.Duration;

/**
 * Carries out one action definition. The worker calls it from several threads, but never
 * concurrently for the same alarm instance or notification group. Implementations report failures
 * as {@link ActionResult}s and do not throw; an exception that escapes is treated as a retryable
 * failure (and its message is recorded, so it must not contain secrets).
 */
public interface ActionExecutor extends AutoCloseable {

  /** One attempt at the side effect. */
  ActionResult execute(ActionRequest request);

  /**
   * What {@link #execute} would do, without any mutating call to the target (dry run). Read-only
   * calls are allowed but not required.
   */
  ActionResult.Planned plan(ActionRequest request);

  /**
   * Called before retrying an attempt that was recorded as started but has no recorded outcome: the
   * worker crashed between the side effect and the ledger write, or before the side effect.
   * Providers that can look at the target (a Kubernetes {@code resourceVersion}, a message with our
   * metadata, an AWS {@code ClientToken}) answer whether it happened; the default does not know and
   * the attempt is repeated (at most one duplicate per crash).
   */
  default Recheck recheck(ActionRequest request) {
    return new Recheck.Unknown("the provider cannot look at its target");
  }

  /**
   * How long to wait before the next attempt may start, for limits the provider knows of (Slack:
   * one message per second per channel, a {@code Retry-After} still running). The worker
   * reschedules without counting an attempt. Reserving a slot is allowed: a zero answer may be
   * taken as a promise to call {@link #execute} now.
   */
  default Duration throttle(ActionRequest request) {
    return Duration.ZERO;
  }

  @Override
  default void close() {}
}
