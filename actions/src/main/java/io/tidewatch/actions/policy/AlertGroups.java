package io.tidewatch.actions.policy;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Alertmanager's dispatcher and notification log for the action worker, without I/O or threads:
 * alerts are collected into groups (receiver, route, {@code groupBy} values); {@link #due} decides,
 * per group, whether to notify now, with Alertmanager's timing (first after {@code groupWait},
 * changes at most every {@code groupInterval}, the same firing alerts again after {@code
 * repeatInterval}), silences and mute time windows.
 *
 * <p>A resolved notification is always sent for an alert whose firing was notified or muted:
 * resolves are never muted by silences or mute windows, and a group keeps such an alert until its
 * resolve has been delivered. Unlike Alertmanager, an alert that fired while silenced still gets
 * its resolve (people learn that something happened under the silence, and that it is over). Only
 * an alert that resolves within {@code groupWait}, before anything was decided about it, is dropped
 * without a message.
 *
 * <p>Not thread-safe: the action worker calls it under one lock. Public for the worker only.
 */
public final class AlertGroups {

  private static final Duration MIN_TICK = Duration.ofSeconds(1);

  /**
   * A transition of one alert for one receiver, recorded in the ledger under {@code ledgerKey} and
   * waiting to be told (or decided about).
   */
  public record Change(
      String ledgerKey,
      String action,
      NotificationPolicy.Match route,
      AlarmStateChange event,
      boolean firing,
      Map<String, String> labels) {
    public Change {
      Objects.requireNonNull(ledgerKey, "ledgerKey");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(event, "event");
      labels = Map.copyOf(labels);
    }
  }

  /** What became of a change that is not sent. */
  public enum Outcome {
    /** Muted by a silence or a mute time window; the alert stays in its group. */
    MUTED,
    /**
     * Nothing to tell: resolved before anything was decided about it, or no change since the last
     * message.
     */
    NOT_SENT
  }

  /** A change decided without a message. */
  public record Decision(Change change, Outcome outcome, String reason) {}

  /** Why a notification is sent (mirrors the provider SPI's kinds). */
  public enum Kind {
    FIRST,
    UPDATE,
    REPEAT
  }

  /**
   * One alert in a notification.
   *
   * @param changed new, changed or resolved since the group's last notification
   * @param since when it started firing
   * @param until when it resolved; null while firing
   */
  public record Item(
      String action,
      AlarmStateChange event,
      boolean firing,
      boolean changed,
      Instant since,
      Instant until) {}

  /**
   * A notification to send; report the outcome with {@link #delivered} or {@link #failed}.
   *
   * @param changes the recorded changes it tells (empty for a repeat)
   * @param newestTransitionId for a repeat's ledger key
   */
  public record Flush(
      String id,
      String receiver,
      String groupKey,
      Kind kind,
      List<Item> alerts,
      Map<String, String> thread,
      int repeat,
      List<Change> changes,
      String newestTransitionId) {}

  /** What {@link #due} decided. */
  public record Tick(List<Flush> flushes, List<Decision> decisions) {}

  /** Which silence, if any, mutes an alert with these labels. */
  public interface Silences {
    Optional<String> muting(Map<String, String> labels, Instant at);

    Silences NONE = (labels, at) -> Optional.empty();
  }

  private static final class Alert {
    final String action;
    final String instance;
    AlarmStateChange event;
    Map<String, String> labels;
    boolean firing;
    Instant since;
    Instant until;
    boolean notified;
    AlarmState notifiedState;

    /** Why its firing was muted, while it was not notified since; its resolve is still sent. */
    String mutedBy;

    final List<Change> pending = new ArrayList<>();

    Alert(String action, String instance) {
      this.action = action;
      this.instance = instance;
    }
  }

  private static final class Group {
    final String key;
    final String receiver;
    NotificationPolicy.Match route;
    final Map<String, Alert> alerts = new LinkedHashMap<>();
    Map<String, String> thread = Map.of();
    Instant nextTick;
    Instant lastNotified;
    int repeats;
    Flush inFlight;

    Group(NotificationPolicy.Match route, Instant nextTick) {
      this.key = route.groupKey();
      this.receiver = route.receiver();
      this.route = route;
      this.nextTick = nextTick;
    }
  }

  private final Map<String, Group> groups = new LinkedHashMap<>();

  private static String alertKey(String action, String instance) {
    return action + "|" + instance;
  }

  private Group group(NotificationPolicy.Match route, Instant firstTick) {
    Group group = groups.get(route.groupKey());
    if (group == null) {
      group = new Group(route, firstTick);
      groups.put(route.groupKey(), group);
    } else {
      group.route = route;
    }
    return group;
  }

  /**
   * Takes a change. A resolve for an alert this object does not hold returns false: there is
   * nothing to resolve (the caller records that).
   */
  public boolean accept(Change change, Instant now) {
    String key = alertKey(change.action(), change.event().alarmInstance());
    if (!change.firing()) {
      Group group = groups.get(change.route().groupKey());
      Alert alert = group == null ? null : group.alerts.get(key);
      if (alert == null) {
        return false;
      }
      alert.firing = false;
      alert.until = time(change.event());
      alert.event = change.event();
      alert.pending.add(change);
      return true;
    }
    Group group = group(change.route(), now.plus(change.route().timing().groupWait()));
    Alert alert =
        group.alerts.computeIfAbsent(
            key, k -> new Alert(change.action(), change.event().alarmInstance()));
    if (!alert.firing) {
      alert.since = time(change.event());
      alert.until = null;
      alert.mutedBy = null;
      if (alert.notified && !alert.pending.isEmpty()) {
        // fired again before its resolve was sent: the resolve is superseded
        alert.notifiedState = null;
      } else if (!alert.pending.isEmpty() || alert.event != null) {
        alert.notified = false;
      }
    }
    alert.firing = true;
    alert.event = change.event();
    alert.labels = change.labels();
    alert.pending.add(change);
    return true;
  }

  /** The routes (groups) where {@code action} holds an alert for this alarm instance. */
  public List<NotificationPolicy.Match> routesOf(String action, String alarmInstance) {
    String key = alertKey(action, alarmInstance);
    List<NotificationPolicy.Match> routes = new ArrayList<>();
    for (Group group : groups.values()) {
      Alert alert = group.alerts.get(key);
      if (alert != null && alert.firing) {
        routes.add(group.route);
      }
    }
    return routes;
  }

  /** The actions with a firing alert (notified or not) for this alarm instance. */
  public Set<String> firingActions(String alarmInstance) {
    Set<String> actions = new HashSet<>();
    for (Group group : groups.values()) {
      for (Alert alert : group.alerts.values()) {
        if (alert.firing && alert.instance.equals(alarmInstance)) {
          actions.add(alert.action);
        }
      }
    }
    return actions;
  }

  /** Changes accepted and not yet sent or decided. */
  public int pending() {
    int pending = 0;
    for (Group group : groups.values()) {
      for (Alert alert : group.alerts.values()) {
        pending += alert.pending.size();
      }
    }
    return pending;
  }

  /** Groups holding alerts (for tests and metrics). */
  public int groups() {
    return groups.size();
  }

  /** Decides what to send now. */
  public Tick due(Instant now, Silences silences) {
    List<Flush> flushes = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
      Group group = it.next();
      if (group.inFlight != null || now.isBefore(group.nextTick)) {
        continue;
      }
      Flush flush = decide(group, now, silences, decisions);
      Duration interval = group.route.timing().groupInterval();
      group.nextTick = now.plus(interval.compareTo(MIN_TICK) < 0 ? MIN_TICK : interval);
      if (flush != null) {
        group.inFlight = flush;
        flushes.add(flush);
      } else if (group.alerts.isEmpty()) {
        it.remove();
      }
    }
    return new Tick(flushes, decisions);
  }

  private Flush decide(Group group, Instant now, Silences silences, List<Decision> decisions) {
    List<Item> items = new ArrayList<>();
    List<Change> told = new ArrayList<>();
    boolean changed = false;
    String newest = null;
    Instant newestTime = Instant.MIN;
    for (Iterator<Alert> it = group.alerts.values().iterator(); it.hasNext(); ) {
      Alert alert = it.next();
      if (alert.firing) {
        Optional<String> mute = mute(group, alert, now, silences);
        if (mute.isPresent()) {
          if (!alert.notified) {
            alert.mutedBy = mute.get();
          }
          alert.pending.forEach(
              change -> decisions.add(new Decision(change, Outcome.MUTED, mute.get())));
          alert.pending.clear();
          continue;
        }
        boolean isChanged =
            !alert.notified || alert.notifiedState != alert.event.detail().state().value();
        items.add(new Item(alert.action, alert.event, true, isChanged, alert.since, null));
        if (isChanged) {
          changed = true;
          told.addAll(alert.pending);
        } else {
          alert.pending.forEach(
              change ->
                  decisions.add(
                      new Decision(change, Outcome.NOT_SENT, "already notified in this state")));
        }
        alert.pending.clear();
        if (time(alert.event).isAfter(newestTime)) {
          newestTime = time(alert.event);
          newest = alert.event.id();
        }
      } else if (alert.notified || alert.mutedBy != null) {
        items.add(new Item(alert.action, alert.event, false, true, alert.since, alert.until));
        changed = true;
        told.addAll(alert.pending);
        alert.pending.clear();
      } else {
        alert.pending.forEach(
            change ->
                decisions.add(
                    new Decision(
                        change,
                        Outcome.NOT_SENT,
                        "resolved within groupWait, before it was notified")));
        it.remove();
      }
    }
    if (changed) {
      Kind kind = group.thread.isEmpty() ? Kind.FIRST : Kind.UPDATE;
      return new Flush(
          flushId(),
          group.receiver,
          group.key,
          kind,
          items,
          group.thread,
          group.repeats,
          told,
          newest);
    }
    boolean repeatDue =
        group.lastNotified != null
            && !now.isBefore(group.lastNotified.plus(group.route.timing().repeatInterval()))
            && items.stream().anyMatch(Item::firing);
    if (repeatDue) {
      List<Item> firing = items.stream().filter(Item::firing).toList();
      return new Flush(
          flushId(),
          group.receiver,
          group.key,
          Kind.REPEAT,
          firing,
          group.thread,
          group.repeats + 1,
          List.of(),
          newest);
    }
    return null;
  }

  private static Optional<String> mute(Group group, Alert alert, Instant now, Silences silences) {
    Optional<String> silenced = silences.muting(alert.labels, now);
    if (silenced.isPresent()) {
      return silenced;
    }
    for (MuteTimeWindow window : group.route.muteTimeWindows()) {
      if (window.contains(now)) {
        return Optional.of("mute time window " + window.name());
      }
    }
    return Optional.empty();
  }

  /**
   * The notification was delivered (or planned, in a dry run).
   *
   * @param detail the provider's detail; its {@code thread.*} entries identify the conversation
   */
  public void delivered(String flushId, Map<String, String> detail, Instant now) {
    Group group = inFlight(flushId);
    if (group == null) {
      return;
    }
    Flush flush = group.inFlight;
    group.inFlight = null;
    Map<String, String> thread = thread(detail);
    if (!thread.isEmpty()) {
      group.thread = thread;
    }
    group.lastNotified = now;
    if (flush.kind() == Kind.REPEAT) {
      group.repeats = flush.repeat();
    }
    settle(group, flush);
  }

  /**
   * The notification failed for good. Its alerts count as told (no retry loop every group
   * interval); the next change or repeat tries again.
   */
  public void failed(String flushId, Instant now) {
    Group group = inFlight(flushId);
    if (group == null) {
      return;
    }
    Flush flush = group.inFlight;
    group.inFlight = null;
    if (group.lastNotified == null) {
      group.lastNotified = now;
    }
    settle(group, flush);
  }

  private void settle(Group group, Flush flush) {
    for (Item item : flush.alerts()) {
      Alert alert = group.alerts.get(alertKey(item.action(), item.event().alarmInstance()));
      if (alert == null) {
        continue;
      }
      alert.pending.removeAll(flush.changes());
      if (item.firing()) {
        alert.notified = true;
        alert.notifiedState = item.event().detail().state().value();
        alert.mutedBy = null;
      } else if (!alert.firing) {
        group.alerts.remove(alertKey(item.action(), item.event().alarmInstance()));
      } else {
        // resolved and told, but it fired again meanwhile: a new episode for this alert
        alert.notified = false;
        alert.notifiedState = null;
      }
    }
    if (group.alerts.isEmpty()) {
      groups.remove(group.key);
    }
  }

  private Group inFlight(String flushId) {
    for (Group group : groups.values()) {
      if (group.inFlight != null && group.inFlight.id().equals(flushId)) {
        return group;
      }
    }
    return null;
  }

  // --- restoring from the ledger after a restart or a rebalance ------------------------------

  /**
   * Drops the alerts of these alarm instances (their events went to another worker, or this one
   * lost its group membership and will restore them from the ledger), except those in a
   * notification being sent: that one ends as usual.
   */
  public void forget(Predicate<String> instances) {
    for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
      Group group = it.next();
      Set<String> sending = new HashSet<>();
      if (group.inFlight != null) {
        group
            .inFlight
            .alerts()
            .forEach(item -> sending.add(alertKey(item.action(), item.event().alarmInstance())));
      }
      group
          .alerts
          .values()
          .removeIf(
              alert ->
                  instances.test(alert.instance)
                      && !sending.contains(alertKey(alert.action, alert.instance)));
      if (group.alerts.isEmpty() && group.inFlight == null) {
        it.remove();
      }
    }
  }

  /** Whether an alert of {@code action} for this alarm instance is held (e.g. being sent). */
  public boolean holds(String action, String alarmInstance) {
    String key = alertKey(action, alarmInstance);
    return groups.values().stream().anyMatch(group -> group.alerts.containsKey(key));
  }

  /** A change that was told: its alert was notified firing (or its resolve delivered). */
  public void restoreSent(Change change, Map<String, String> detail, Instant at) {
    Group group = group(change.route(), at);
    String key = alertKey(change.action(), change.event().alarmInstance());
    if (change.firing()) {
      Alert alert =
          group.alerts.computeIfAbsent(
              key, k -> new Alert(change.action(), change.event().alarmInstance()));
      if (!alert.firing || alert.since == null) {
        alert.since = time(change.event());
      }
      alert.firing = true;
      alert.event = change.event();
      alert.labels = change.labels();
      alert.notified = true;
      alert.notifiedState = change.event().detail().state().value();
    } else {
      group.alerts.remove(key);
    }
    Map<String, String> thread = thread(detail);
    if (!thread.isEmpty()) {
      group.thread = thread;
    }
    if (group.lastNotified == null || at.isAfter(group.lastNotified)) {
      group.lastNotified = at;
    }
    if (group.alerts.isEmpty()) {
      groups.remove(group.key);
    }
  }

  /** A repeat that was sent. */
  public void restoreRepeat(String groupKey, int repeat, Instant at) {
    Group group = groups.get(groupKey);
    if (group != null) {
      group.repeats = Math.max(group.repeats, repeat);
      if (group.lastNotified == null || at.isAfter(group.lastNotified)) {
        group.lastNotified = at;
      }
    }
  }

  /** A firing change that was muted: the alert is firing, and not notified unless it was before. */
  public void restoreMuted(Change change, Instant at) {
    if (!change.firing()) {
      restoreDropped(change);
      return;
    }
    Group group = group(change.route(), at);
    String key = alertKey(change.action(), change.event().alarmInstance());
    Alert alert =
        group.alerts.computeIfAbsent(
            key, k -> new Alert(change.action(), change.event().alarmInstance()));
    if (!alert.firing || alert.since == null) {
      alert.since = time(change.event());
      alert.notified = false;
    }
    if (!alert.notified) {
      alert.mutedBy = "restored: muted before the restart";
    }
    alert.firing = true;
    alert.event = change.event();
    alert.labels = change.labels();
  }

  /** A change decided without a message: a resolve of an alert that was never notified ends it. */
  public void restoreDropped(Change change) {
    if (change.firing()) {
      return;
    }
    Group group = groups.get(change.route().groupKey());
    if (group != null) {
      group.alerts.remove(alertKey(change.action(), change.event().alarmInstance()));
      if (group.alerts.isEmpty()) {
        groups.remove(group.key);
      }
    }
  }

  /** After restoring: let every group be looked at now. */
  public void restored(Instant now) {
    groups.values().forEach(group -> group.nextTick = now);
  }

  private static Map<String, String> thread(Map<String, String> detail) {
    Map<String, String> thread = new TreeMap<>();
    detail.forEach(
        (key, value) -> {
          if (key.startsWith("thread.") && value != null) {
            thread.put(key, value);
          }
        });
    return thread;
  }

  private static Instant time(AlarmStateChange event) {
    Instant stateTime = event.detail().state().timestamp();
    if (stateTime != null) {
      return stateTime;
    }
    return event.time() == null ? Instant.EPOCH : event.time();
  }

  private static String flushId() {
    return UUID.randomUUID().toString();
  }

  /** For diagnostics: group keys with their alert counts. */
  @Override
  public String toString() {
    Map<String, Integer> sizes = new HashMap<>();
    groups.forEach((key, group) -> sizes.put(key, group.alerts.size()));
    return "AlertGroups" + sizes;
  }
}
