package io.tidewatch.actions.core;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.rules.ActionDefinition;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job per transition and action ({@link ActionProvider.Delivery#EACH_TRANSITION}): the ledger
 * key is {@code hash(transitionId, action)}; a key already in the ledger is recorded {@code
 * DUPLICATE_SKIPPED} and not executed again.
 */
final class TransitionIntake implements Intake {

  private static final Logger LOG = LoggerFactory.getLogger(TransitionIntake.class);

  private final String type;
  private final WorkerContext context;
  private final Attempts attempts;

  TransitionIntake(String type, WorkerContext context, Attempts attempts) {
    this.type = type;
    this.context = context;
    this.attempts = attempts;
  }

  @Override
  public void accept(AlarmStateChange event, DeadLetters.Origin origin) {
    for (String name : context.actionNames(event)) {
      Optional<ActionDefinition> definition = context.definition(name);
      if (definition.isEmpty() || !definition.get().type().equals(type)) {
        continue;
      }
      String key = ActionKeys.of(event.id(), name);
      if (context.ledger().get(key).isPresent()) {
        context
            .ledger()
            .markDuplicate(
                key, event.id(), context.clock().instant(), "the transition was delivered again");
        LOG.info("{} for {} was already requested; skipped", name, event.alarmInstance());
        continue;
      }
      LedgerKey ledgerKey = ledgerKey(key, event, name, origin);
      context
          .ledger()
          .write(ledgerKey.record(Phase.REQUESTED, 0, context.clock().instant(), ledgerKey.open()));
      attempts.submit(job(definition.get(), ledgerKey, event, 1, false, origin));
    }
  }

  private LedgerKey ledgerKey(
      String key, AlarmStateChange event, String name, DeadLetters.Origin origin) {
    Map<String, String> open = new HashMap<>();
    open.put(ActionLedger.EVENT, Codecs.ALARM_STATE_CHANGE.toJson(event));
    if (origin.topic() != null) {
      open.put(ActionLedger.SOURCE_TOPIC, origin.topic());
      open.put(ActionLedger.SOURCE_PARTITION, String.valueOf(origin.partition()));
      open.put(ActionLedger.SOURCE_OFFSET, String.valueOf(origin.offset()));
    }
    Map<String, String> closed = Map.of("state", event.detail().state().value().name());
    return new LedgerKey(key, event.id(), event.alarmInstance(), name, type, open, closed);
  }

  private Job job(
      ActionDefinition definition,
      LedgerKey key,
      AlarmStateChange event,
      int attempt,
      boolean recheck,
      DeadLetters.Origin origin) {
    return new Job(
        event.alarmInstance(),
        definition,
        List.of(key),
        ActionRequest.forTransition(definition, event, attempt),
        context.dryRun(definition),
        recheck,
        origin,
        Job.Outcome.NONE);
  }

  @Override
  public void recover(Set<Integer> partitions) {
    for (ActionLedger.Entry entry : context.ledger().entries()) {
      ActionRecord record = entry.record();
      if (!type.equals(record.type())
          || entry.terminal()
          || attempts.isActive(record.actionKey())
          || !partitions.contains(context.partitionOf(record.alarmInstance()))) {
        continue;
      }
      String json = entry.detail().get(ActionLedger.EVENT);
      if (json == null) {
        LOG.error("cannot resume {}: its ledger record has no event", record.actionKey());
        continue;
      }
      AlarmStateChange event;
      try {
        event = Codecs.ALARM_STATE_CHANGE.decode("ledger", json.getBytes(StandardCharsets.UTF_8));
      } catch (MalformedRecordException e) {
        LOG.error("cannot resume {}: {}", record.actionKey(), e.getMessage());
        continue;
      }
      DeadLetters.Origin origin = origin(entry.detail());
      Optional<ActionDefinition> definition = context.definition(record.action());
      ActionDefinition used =
          definition.orElseGet(() -> new ActionDefinition(record.action(), type, Map.of()));
      LedgerKey key = ledgerKey(record.actionKey(), event, record.action(), origin);
      int next =
          entry.phase() == Phase.REQUESTED && record.attempt() == 0 ? 1 : record.attempt() + 1;
      LOG.info(
          "resuming {} for {} at attempt {}{}",
          record.action(),
          record.alarmInstance(),
          next,
          entry.uncertain() ? " after a re-check" : "");
      Job job = job(used, key, event, next, entry.uncertain(), origin);
      if (definition.isEmpty()) {
        job.failing("action " + record.action() + " is no longer defined in the rules");
      }
      attempts.submit(job);
    }
  }

  static DeadLetters.Origin origin(Map<String, String> detail) {
    String topic = detail.get(ActionLedger.SOURCE_TOPIC);
    if (topic == null) {
      return DeadLetters.Origin.UNKNOWN;
    }
    try {
      return new DeadLetters.Origin(
          topic,
          Integer.valueOf(detail.get(ActionLedger.SOURCE_PARTITION)),
          Long.valueOf(detail.get(ActionLedger.SOURCE_OFFSET)));
    } catch (NumberFormatException e) {
      return new DeadLetters.Origin(topic, null, null);
    }
  }

  @Override
  public int inFlight() {
    return attempts.inFlight();
  }
}
