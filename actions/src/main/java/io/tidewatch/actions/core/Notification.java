package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmStateChange;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the notification policy decided to tell one receiver about one group of alerts
 * (Alertmanager's notification): the alerts of the group that are firing and not muted, and those
 * that resolved after being notified.
 *
 * @param id stable for the same content: providers may put it in message metadata to find an
 *     earlier delivery in {@link ActionExecutor#recheck}
 * @param groupKey receiver, route and the values of the route's {@code groupBy} labels
 * @param kind whether a conversation exists yet and why this is sent
 * @param alerts the group's notified alerts, oldest first
 * @param thread what the provider returned as {@code thread.*} detail for the first notification of
 *     this episode (Slack: channel id and message ts); empty for {@link Kind#FIRST}
 * @param repeat for {@link Kind#REPEAT}, how many repeats this episode has had, this one included
 */
public record Notification(
    String id,
    String receiver,
    String groupKey,
    Kind kind,
    List<Alert> alerts,
    Map<String, String> thread,
    int repeat) {

  /** Why a notification is sent. */
  public enum Kind {
    /** The first notification of an episode: nothing has been posted for this group yet. */
    FIRST,
    /** Alerts joined, changed state or resolved in a group already notified. */
    UPDATE,
    /** Nothing changed, but the alerts are still firing after the repeat interval. */
    REPEAT
  }

  /** Whether an alert is firing or resolved. */
  public enum Status {
    FIRING,
    RESOLVED
  }

  /**
   * One alert (alarm instance) in a notification.
   *
   * @param event its newest transition (for a resolved alert, the one that resolved it)
   * @param changed new or changed since the previous notification of the group
   * @param since when it started firing (the transition into the firing state)
   * @param until when it resolved; null while firing
   */
  public record Alert(
      AlarmStateChange event, Status status, boolean changed, Instant since, Instant until) {
    public Alert {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(since, "since");
    }
  }

  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(groupKey, "groupKey");
    Objects.requireNonNull(kind, "kind");
    alerts = List.copyOf(alerts);
    if (alerts.isEmpty()) {
      throw new IllegalArgumentException("a notification names at least one alert");
    }
    thread = Map.copyOf(thread);
  }

  public List<Alert> firing() {
    return alerts.stream().filter(alert -> alert.status() == Status.FIRING).toList();
  }

  public List<Alert> resolved() {
    return alerts.stream().filter(alert -> alert.status() == Status.RESOLVED).toList();
  }

  public boolean allResolved() {
    return firing().isEmpty();
  }

  /** The most recent transition in the notification. */
  public AlarmStateChange newestEvent() {
    return alerts.stream()
        .map(Alert::event)
        .max(
            Comparator.comparing(
                AlarmStateChange::time, Comparator.nullsFirst(Comparator.naturalOrder())))
        .orElseThrow();
  }
}
