package io.tidewatch.actions.core;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One ledger key a job covers, with what its records carry: {@code open} while work is pending (the
 * event, so that a restart can resume), {@code closed} once it is done (what later work needs, e.g.
 * the Slack thread of a notified alert).
 */
record LedgerKey(
    String actionKey,
    String transitionId,
    String alarmInstance,
    String action,
    String type,
    Map<String, String> open,
    Map<String, String> closed) {

  LedgerKey {
    open = Map.copyOf(open);
    closed = Map.copyOf(closed);
  }

  ActionRecord record(Phase phase, int attempt, Instant at, Map<String, String> detail) {
    return new ActionRecord(
        actionKey, transitionId, alarmInstance, action, type, phase, attempt, at, detail);
  }

  static Map<String, String> merge(Map<String, String> base, Map<String, String> more) {
    Map<String, String> merged = new HashMap<>(base);
    merged.putAll(more);
    return merged;
  }
}
