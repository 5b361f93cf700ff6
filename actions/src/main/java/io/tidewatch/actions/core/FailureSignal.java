package io.tidewatch.actions.core;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.Topic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tidewatch-action-failed} signal: an alarm instance per action ({@code
 * tidewatch-action-failed{action=ops-slack}}) that goes to ALARM when the action fails for good,
 * and back to OK at its next success; and one per lane ({@code
 * tidewatch-action-failed{lane=slack}}) that goes to ALARM when the lane stops for good. It is an
 * ordinary event on {@code tw.alarm-events}, so the console shows it and the worker runs the
 * configured {@link ActionWorkerConfig#failureActions()} for it. Failures of those actions for the
 * signal itself raise no further signal (no loops).
 *
 * <p>Like any alarm, the signal only emits real transitions: a failure while it is raised, or a
 * success while it is OK, emits nothing. Its state is recorded in the ledger (a record per signal
 * instance, type {@value #STATE_TYPE}), so it survives restarts and is shared by the workers of a
 * group.
 */
final class FailureSignal {

  /** The ledger type of the records holding a signal's current state. */
  static final String STATE_TYPE = ActionWorker.ACTION_FAILED_ALARM;

  private static final Logger LOG = LoggerFactory.getLogger(FailureSignal.class);
  private static final String STATE = "state";

  /** One signal instance: {@code dimension=value} under the signal's alarm name. */
  private record Subject(String dimension, String value) {

    String instance() {
      return ActionWorker.ACTION_FAILED_ALARM + "{" + dimension + "=" + value + "}";
    }

    String stateKey() {
      return ActionKeys.of(ActionWorker.ACTION_FAILED_ALARM, instance());
    }
  }

  private final Producer<String, byte[]> producer;
  private final Topic<AlarmStateChange> events;
  private final ActionLedger ledger;

  FailureSignal(
      Producer<String, byte[]> producer, Topic<AlarmStateChange> events, ActionLedger ledger) {
    this.producer = producer;
    this.events = events;
    this.ledger = ledger;
  }

  static boolean isSignal(AlarmStateChange event) {
    return ActionWorker.ACTION_FAILED_ALARM.equals(event.detail().alarmName());
  }

  static String instance(String action) {
    return new Subject("action", action).instance();
  }

  static String laneInstance(String lane) {
    return new Subject("lane", lane).instance();
  }

  /**
   * Raises the signal for a final failure of {@code action} on {@code failed}; nothing is emitted
   * when it is raised already.
   *
   * @param failedKey the ledger key that failed: the signal's transition id derives from it, so a
   *     repeated raise is the same transition
   */
  void raise(
      String action,
      String type,
      AlarmStateChange failed,
      String failedKey,
      String reason,
      Instant now) {
    if (isSignal(failed)) {
      LOG.error(
          "action {} failed for the {} signal itself; not raising another: {}",
          action,
          ActionWorker.ACTION_FAILED_ALARM,
          reason);
      return;
    }
    String text =
        "Action " + action + " (" + type + ") failed for " + failed.alarmInstance() + ": " + reason;
    LOG.error("{}", text);
    transition(
        new Subject("action", action),
        labels(type, failed.detail().alarmName()),
        AlarmState.ALARM,
        ActionKeys.of(failedKey, "action-failed"),
        text,
        now);
  }

  /** Resolves the signal of {@code action} if it is raised. */
  void recovered(String action, String type, AlarmStateChange event, String key, Instant now) {
    if (isSignal(event)) {
      return;
    }
    transition(
        new Subject("action", action),
        labels(type, event.detail().alarmName()),
        AlarmState.OK,
        ActionKeys.of(key, "action-recovered"),
        "Action " + action + " (" + type + ") succeeded again for " + event.alarmInstance() + ".",
        now);
  }

  /** Raises the signal of a lane that stopped for good: its provider's actions are not run. */
  void laneDown(String lane, String reason, Instant now) {
    transition(
        new Subject("lane", lane),
        labels(lane, ActionWorker.ACTION_FAILED_ALARM),
        AlarmState.ALARM,
        ActionKeys.of(lane + "@" + now, "lane-down"),
        "The action lane "
            + lane
            + " stopped: no "
            + lane
            + " action is run until the worker is restarted. Cause: "
            + reason,
        now);
  }

  /** Resolves the signal of a lane that runs again (after a restart). */
  void laneUp(String lane, Instant now) {
    transition(
        new Subject("lane", lane),
        labels(lane, ActionWorker.ACTION_FAILED_ALARM),
        AlarmState.OK,
        ActionKeys.of(lane + "@" + now, "lane-up"),
        "The action lane " + lane + " runs again.",
        now);
  }

  private static Map<String, String> labels(String type, String alarm) {
    Map<String, String> labels = new HashMap<>();
    labels.put("severity", "warning");
    labels.put("source", "tidewatch");
    labels.put("actionType", type);
    labels.put("alarm", alarm);
    return labels;
  }

  /**
   * Emits {@code state} unless the signal is in it already. The event is published before the new
   * state is recorded: a crash in between repeats the transition rather than losing it.
   */
  private synchronized void transition(
      Subject subject,
      Map<String, String> labels,
      AlarmState state,
      String transitionId,
      String reason,
      Instant now) {
    labels.put(subject.dimension(), subject.value());
    AlarmState previous = current(subject);
    if (previous == state) {
      return;
    }
    if (!publish(subject, transitionId, state, previous, reason, labels, now)) {
      return;
    }
    try {
      ledger.write(
          new ActionRecord(
              subject.stateKey(),
              transitionId,
              subject.instance(),
              subject.value(),
              STATE_TYPE,
              Phase.SUCCEEDED,
              0,
              now,
              Map.of(STATE, state.name())));
    } catch (ActionLedger.LedgerUnavailableException e) {
      LOG.error(
          "cannot record that {} is {}; its next change may be emitted again: {}",
          subject.instance(),
          state,
          e.getMessage());
    }
  }

  /** The signal's recorded state; OK when it was never raised. */
  private AlarmState current(Subject subject) {
    return ledger
        .get(subject.stateKey())
        .map(entry -> entry.detail().get(STATE))
        .map(AlarmState::valueOf)
        .orElse(AlarmState.OK);
  }

  private boolean publish(
      Subject subject,
      String transitionId,
      AlarmState state,
      AlarmState previous,
      String reason,
      Map<String, String> labels,
      Instant now) {
    String instance = subject.instance();
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            ActionWorker.ACTION_FAILED_ALARM,
            instance,
            Map.of(subject.dimension(), subject.value()),
            new AlarmStateChange.State(state, reason, null, now),
            new AlarmStateChange.State(previous, null, null, null),
            null,
            labels,
            null);
    AlarmStateChange event = AlarmStateChange.of(transitionId, now, detail);
    try {
      producer
          .send(new ProducerRecord<>(events.name(), instance, events.codec().encode(event)))
          .get(60, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("cannot publish the {} signal: {}", ActionWorker.ACTION_FAILED_ALARM, reason, e);
      return false;
    }
  }
}
