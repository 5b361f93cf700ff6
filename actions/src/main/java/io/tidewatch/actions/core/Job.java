package io.tidewatch.actions.core;

import io.tidewatch.rules.ActionDefinition;
import java.util.List;
import java.util.Map;

/**
 * Work for one executor: a request, the ledger keys it covers, and what to do when it ends. Jobs
 * with the same {@link #serialKey} run one after the other (an alarm instance, a notification
 * group), so a resolve never overtakes the firing it resolves.
 */
final class Job {

  /** Told when a job is over; called after its ledger records are written. */
  interface Outcome {
    void succeeded(Job job, Map<String, String> detail, boolean dryRun);

    void failed(Job job, String reason);

    Outcome NONE =
        new Outcome() {
          @Override
          public void succeeded(Job job, Map<String, String> detail, boolean dryRun) {}

          @Override
          public void failed(Job job, String reason) {}
        };
  }

  final String serialKey;
  final ActionDefinition definition;
  final List<LedgerKey> keys;
  final boolean dryRun;
  final DeadLetters.Origin origin;
  final Outcome outcome;
  volatile ActionRequest request;
  volatile boolean recheckFirst;

  /** Set when the job cannot run at all (undefined action, no provider): it fails at once. */
  volatile String failure;

  Job(
      String serialKey,
      ActionDefinition definition,
      List<LedgerKey> keys,
      ActionRequest request,
      boolean dryRun,
      boolean recheckFirst,
      DeadLetters.Origin origin,
      Outcome outcome) {
    this.serialKey = serialKey;
    this.definition = definition;
    this.keys = List.copyOf(keys);
    this.request = request;
    this.dryRun = dryRun;
    this.recheckFirst = recheckFirst;
    this.origin = origin;
    this.outcome = outcome;
  }

  Job failing(String reason) {
    this.failure = reason;
    return this;
  }

  String type() {
    return definition.type();
  }
}
