package io.tidewatch.actions.core;

import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.rules.ActionDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What no provider can take, so that it is never dropped silently: records of the events topic that
 * are not alarm events (to the dead-letter topic), and actions that are not defined or whose type
 * has no provider on the class path (recorded {@code FAILED}, dead-lettered, signalled).
 */
final class UnroutableIntake implements Intake {

  static final String LANE = "unroutable";
  private static final String UNKNOWN_TYPE = "unknown";

  private final WorkerContext context;
  private final Attempts attempts;

  UnroutableIntake(WorkerContext context, Attempts attempts) {
    this.context = context;
    this.attempts = attempts;
  }

  @Override
  public void accept(AlarmStateChange event, DeadLetters.Origin origin) {
    for (String name : context.actionNames(event)) {
      Optional<ActionDefinition> definition = context.definition(name);
      String problem;
      ActionDefinition used;
      if (definition.isEmpty()) {
        problem = "action " + name + " is not defined in the rules' actions: section";
        used = new ActionDefinition(name, UNKNOWN_TYPE, Map.of());
      } else if (context.registry().find(definition.get().type()).isEmpty()) {
        problem =
            "no provider for action type '"
                + definition.get().type()
                + "' (of action "
                + name
                + ") on the class path; known types: "
                + context.registry().types();
        used = definition.get();
      } else {
        continue;
      }
      String key = ActionKeys.of(event.id(), name);
      if (context.ledger().get(key).isPresent()) {
        context
            .ledger()
            .markDuplicate(
                key, event.id(), context.clock().instant(), "the transition was delivered again");
        continue;
      }
      LedgerKey ledgerKey =
          new LedgerKey(
              key,
              event.id(),
              event.alarmInstance(),
              name,
              used.type(),
              Map.of(ActionLedger.EVENT, Codecs.ALARM_STATE_CHANGE.toJson(event)),
              Map.of());
      context
          .ledger()
          .write(ledgerKey.record(Phase.REQUESTED, 0, context.clock().instant(), ledgerKey.open()));
      attempts.submit(
          new Job(
                  event.alarmInstance(),
                  used,
                  List.of(ledgerKey),
                  ActionRequest.forTransition(used, event, 1),
                  context.dryRun(used),
                  false,
                  origin,
                  Job.Outcome.NONE)
              .failing(problem));
    }
  }

  @Override
  public void unreadable(String key, byte[] value, DeadLetters.Origin origin, String reason) {
    context.deadLetters().unreadable(key, value, origin, reason, context.clock().instant());
  }

  @Override
  public void recover(Set<Integer> partitions) {
    // Nothing to resume: an unroutable action fails at once and is recorded as it does.
  }

  @Override
  public int inFlight() {
    return attempts.inFlight();
  }
}
