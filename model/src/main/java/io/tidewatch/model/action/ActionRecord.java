package io.tidewatch.model.action;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the action ledger {@code tw.actions}, keyed by {@link #actionKey()}: a request to
 * carry out a named action for an alarm transition, an attempt, or its outcome.
 *
 * @param actionKey {@code hash(transitionId, action)}: at most one execution per key
 * @param detail provider-specific facts (target, dry-run plan, error); never secrets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionRecord(
    String actionKey,
    String transitionId,
    String alarmInstance,
    String action,
    String type,
    Phase phase,
    int attempt,
    Instant timestamp,
    Map<String, String> detail) {

  /** Where an action is in its life. */
  public enum Phase {
    REQUESTED,
    SUCCEEDED,
    FAILED,
    DUPLICATE_SKIPPED,
    DRY_RUN
  }

  public ActionRecord {
    Objects.requireNonNull(actionKey, "actionKey");
    Objects.requireNonNull(phase, "phase");
    detail = detail == null ? Map.of() : Map.copyOf(detail);
  }
}
