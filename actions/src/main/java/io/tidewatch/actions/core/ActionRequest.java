package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.ActionDefinition;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt's worth of work for an executor.
 *
 * @param actionKey the ledger key: {@code hash(transitionId, action)} for a transition; for a
 *     notification, the key of its newest change (every key it covers is recorded)
 * @param attempt 1 for the first attempt
 * @param event the transition that asked for the action (for a notification: its newest change)
 * @param notification set for {@link ActionProvider.Delivery#NOTIFICATION} providers
 */
public record ActionRequest(
    String actionKey,
    ActionDefinition action,
    int attempt,
    AlarmStateChange event,
    Optional<Notification> notification) {

  public ActionRequest {
    Objects.requireNonNull(actionKey, "actionKey");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(notification, "notification");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: at least 1. Found: " + attempt);
    }
  }

  /** A request for one transition: the key is {@code hash(transitionId, action name)}. */
  public static ActionRequest forTransition(
      ActionDefinition action, AlarmStateChange event, int attempt) {
    return new ActionRequest(
        ActionKeys.of(event.id(), action.name()), action, attempt, event, Optional.empty());
  }

  public static ActionRequest forNotification(
      String actionKey, ActionDefinition action, Notification notification, int attempt) {
    return new ActionRequest(
        actionKey, action, attempt, notification.newestEvent(), Optional.of(notification));
  }

  ActionRequest withAttempt(int next) {
    return new ActionRequest(actionKey, action, next, event, notification);
  }
}
