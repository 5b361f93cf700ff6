package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.Topic;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * and back to OK at its next success. It is an ordinary event on {@code tw.alarm-events}, so the
 * console shows it and the worker runs the configured {@link ActionWorkerConfig#failureActions()}
 * for it. Failures of those actions for the signal itself raise no further signal (no loops).
 */
final class FailureSignal {

  private static final Logger LOG = LoggerFactory.getLogger(FailureSignal.class);

  private final Producer<String, byte[]> producer;
  private final Topic<AlarmStateChange> events;
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  FailureSignal(Producer<String, byte[]> producer, Topic<AlarmStateChange> events) {
    this.producer = producer;
    this.events = events;
  }

  static boolean isSignal(AlarmStateChange event) {
    return ActionWorker.ACTION_FAILED_ALARM.equals(event.detail().alarmName());
  }

  static String instance(String action) {
    return ActionWorker.ACTION_FAILED_ALARM + "{action=" + action + "}";
  }

  /**
   * Raises the signal for a final failure of {@code action} on {@code failed}.
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
    failing.add(action);
    publish(
        action,
        type,
        failed,
        ActionKeys.of(failedKey, "action-failed"),
        AlarmState.ALARM,
        AlarmState.OK,
        text,
        now);
  }

  /** Resolves the signal of {@code action} if it was raised by this worker. */
  void recovered(String action, String type, AlarmStateChange event, String key, Instant now) {
    if (isSignal(event) || !failing.remove(action)) {
      return;
    }
    publish(
        action,
        type,
        event,
        ActionKeys.of(key, "action-recovered"),
        AlarmState.OK,
        AlarmState.ALARM,
        "Action " + action + " (" + type + ") succeeded again for " + event.alarmInstance() + ".",
        now);
  }

  private void publish(
      String action,
      String type,
      AlarmStateChange cause,
      String transitionId,
      AlarmState state,
      AlarmState previous,
      String reason,
      Instant now) {
    String instance = instance(action);
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            ActionWorker.ACTION_FAILED_ALARM,
            instance,
            Map.of("action", action),
            new AlarmStateChange.State(state, reason, null, now),
            new AlarmStateChange.State(previous, null, null, null),
            null,
            Map.of(
                "severity",
                "warning",
                "source",
                "tidewatch",
                "action",
                action,
                "actionType",
                type,
                "alarm",
                cause.detail().alarmName()),
            null);
    AlarmStateChange event = AlarmStateChange.of(transitionId, now, detail);
    try {
      producer
          .send(new ProducerRecord<>(events.name(), instance, events.codec().encode(event)))
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("cannot publish the {} signal: {}", ActionWorker.ACTION_FAILED_ALARM, reason, e);
    }
  }
}
