package io.tidewatch.actions.core;

import io.tidewatch.actions.policy.AlertGroups;
import io.tidewatch.actions.policy.AlertLabels;
import io.tidewatch.actions.policy.NotificationPolicy;
import io.tidewatch.actions.policy.Receiver;
import io.tidewatch.actions.policy.Timing;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.rules.ActionDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lane of a notifying provider ({@link ActionProvider.Delivery#NOTIFICATION}): transitions
 * become alert changes, recorded in the ledger ({@code REQUESTED}, attempt 0) before their offset
 * is committed, then grouped, muted, repeated and resolved by the notification policy ({@link
 * AlertGroups}); what it decides to send becomes a job for the receiver's executor. Each ledger
 * record carries what a restart needs to rebuild the groups: the event, receiver, group, status,
 * outcome and the conversation ({@code thread.*}) of delivered messages.
 */
final class NotificationIntake implements Intake {

  static final String RECEIVER = "receiver";
  static final String GROUP_KEY = "groupKey";
  static final String STATUS = "alarmStatus";
  static final String OUTCOME = "outcome";
  static final String REASON = "reason";
  static final String LANE = "lane";
  static final String REPEAT = "repeat";
  static final String KIND = "kind";
  static final String NOTIFICATION_ID = "notificationId";

  private static final Logger LOG = LoggerFactory.getLogger(NotificationIntake.class);
  private static final Duration TICK = Duration.ofMillis(200);

  private final String type;
  private final WorkerContext context;
  private final Attempts attempts;
  private final Supplier<NotificationPolicy> policy;
  private final AlertGroups.Silences silences;
  private final AlertGroups groups = new AlertGroups();
  private final Map<String, DeadLetters.Origin> origins = new ConcurrentHashMap<>();
  private final Set<Integer> restoredPartitions = new HashSet<>();
  private volatile boolean ticking;

  NotificationIntake(
      String type,
      WorkerContext context,
      Attempts attempts,
      Supplier<NotificationPolicy> policy,
      AlertGroups.Silences silences) {
    this.type = type;
    this.context = context;
    this.attempts = attempts;
    this.policy = policy;
    this.silences = silences;
  }

  private NotificationPolicy policy() {
    NotificationPolicy current = policy.get();
    return current == null ? NotificationPolicy.none() : current;
  }

  @Override
  public void accept(AlarmStateChange event, DeadLetters.Origin origin) {
    Instant now = context.clock().instant();
    List<String> listed = new ArrayList<>();
    for (String name : context.actionNames(event)) {
      context
          .definition(name)
          .filter(definition -> definition.type().equals(type))
          .ifPresent(definition -> listed.add(name));
    }
    synchronized (groups) {
      Set<String> actions = new LinkedHashSet<>(listed);
      actions.addAll(groups.firingActions(event.alarmInstance()));
      boolean leaving = event.detail().state().value() == AlarmState.OK;
      for (String action : actions) {
        boolean firing = !leaving && listed.contains(action);
        Map<String, String> labels = AlertLabels.of(event, action);
        List<NotificationPolicy.Match> routes =
            firing
                ? policy().route(action, labels)
                : groups.routesOf(action, event.alarmInstance());
        if (routes.isEmpty()) {
          nothingToResolve(event, action, labels);
          continue;
        }
        for (NotificationPolicy.Match route : routes) {
          String key = key(event.id(), action, route.receiver());
          if (context.ledger().get(key).isPresent()) {
            context
                .ledger()
                .markDuplicate(key, event.id(), now, "the transition was delivered again");
            continue;
          }
          AlertGroups.Change change =
              new AlertGroups.Change(key, action, route, event, firing, labels);
          LedgerKey ledgerKey = ledgerKey(change, "pending");
          context.ledger().write(ledgerKey.record(Phase.REQUESTED, 0, now, ledgerKey.open()));
          origins.put(key, origin);
          if (!groups.accept(change, now)) {
            decide(change, "not-sent", "no firing notification to resolve", now);
          }
        }
      }
    }
    tick();
  }

  /** An OK transition names the action, but nothing of it is firing: recorded, not sent. */
  private void nothingToResolve(AlarmStateChange event, String action, Map<String, String> labels) {
    String key = key(event.id(), action, action);
    Instant now = context.clock().instant();
    if (context.ledger().get(key).isPresent()) {
      context.ledger().markDuplicate(key, event.id(), now, "the transition was delivered again");
      return;
    }
    NotificationPolicy.Match none =
        new NotificationPolicy.Match(
            action, "-", List.of(), Timing.IMMEDIATE, List.of(), action + "/-/none");
    AlertGroups.Change change = new AlertGroups.Change(key, action, none, event, false, labels);
    decide(change, "not-sent", "no firing notification to resolve", now);
  }

  private void decide(AlertGroups.Change change, String outcome, String reason, Instant now) {
    LedgerKey key = ledgerKey(change, outcome);
    Map<String, String> detail = new HashMap<>(key.closed());
    detail.put(REASON, context.redactor().redact(reason));
    context.ledger().write(key.record(Phase.SUCCEEDED, 0, now, detail));
    origins.remove(change.ledgerKey());
  }

  /** Starts deciding and sending what is due, on the lane's timer every 200 ms. */
  void start() {
    if (!ticking) {
      ticking = true;
      attempts.schedule(this::tickAndReschedule, TICK);
    }
  }

  private void tickAndReschedule() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.error("notification tick of lane {} failed", type, e);
    } finally {
      attempts.schedule(this::tickAndReschedule, TICK);
    }
  }

  private void tick() {
    Instant now = context.clock().instant();
    AlertGroups.Tick tick;
    synchronized (groups) {
      tick = groups.due(now, silences);
      for (AlertGroups.Decision decision : tick.decisions()) {
        String outcome = decision.outcome() == AlertGroups.Outcome.MUTED ? "muted" : "not-sent";
        try {
          decide(decision.change(), outcome, decision.reason(), now);
        } catch (ActionLedger.LedgerUnavailableException e) {
          LOG.error(
              "cannot record that {} was {}: {}",
              decision.change().ledgerKey(),
              outcome,
              e.getMessage());
        }
      }
    }
    for (AlertGroups.Flush flush : tick.flushes()) {
      attempts.submit(job(flush));
    }
  }

  private Job job(AlertGroups.Flush flush) {
    Optional<ActionDefinition> receiver = receiver(flush.receiver());
    ActionDefinition definition =
        receiver.orElseGet(() -> new ActionDefinition(flush.receiver(), type, Map.of()));
    List<LedgerKey> keys = new ArrayList<>();
    for (AlertGroups.Change change : flush.changes()) {
      keys.add(ledgerKey(change, "sent"));
    }
    if (keys.isEmpty()) {
      keys.add(repeatKey(flush));
    }
    Notification notification = notification(flush, keys);
    boolean dryRun =
        context.dryRun(definition)
            || flush.changes().stream()
                .map(change -> context.definition(change.action()))
                .flatMap(Optional::stream)
                .anyMatch(context::dryRun);
    DeadLetters.Origin origin =
        flush.changes().stream()
            .map(change -> origins.get(change.ledgerKey()))
            .filter(o -> o != null)
            .findFirst()
            .orElse(DeadLetters.Origin.UNKNOWN);
    Job job =
        new Job(
            flush.groupKey(),
            definition,
            keys,
            ActionRequest.forNotification(keys.get(0).actionKey(), definition, notification, 1),
            dryRun,
            false,
            origin,
            new Job.Outcome() {
              @Override
              public void succeeded(Job job, Map<String, String> detail, boolean dryRun) {
                synchronized (groups) {
                  groups.delivered(flush.id(), detail, context.clock().instant());
                  forgetForeign();
                }
                flush.changes().forEach(change -> origins.remove(change.ledgerKey()));
              }

              @Override
              public void failed(Job job, String reason) {
                synchronized (groups) {
                  groups.failed(flush.id(), context.clock().instant());
                  forgetForeign();
                }
                flush.changes().forEach(change -> origins.remove(change.ledgerKey()));
              }
            });
    if (receiver.isEmpty()) {
      job.failing(
          "receiver "
              + flush.receiver()
              + " is neither an action of a notifying type nor a receiver of the notifications:"
              + " section");
    }
    return job;
  }

  /** A receiver: a notifications receiver, else an action of a notifying type. */
  private Optional<ActionDefinition> receiver(String name) {
    Receiver receiver = policy().receivers().get(name);
    if (receiver != null) {
      return Optional.of(
          new ActionDefinition(receiver.name(), receiver.type(), receiver.settings()));
    }
    return context
        .definition(name)
        .filter(
            definition ->
                context
                    .registry()
                    .find(definition.type())
                    .map(provider -> provider.delivery() == ActionProvider.Delivery.NOTIFICATION)
                    .orElse(false));
  }

  private static Notification notification(AlertGroups.Flush flush, List<LedgerKey> keys) {
    List<Notification.Alert> alerts = new ArrayList<>();
    for (AlertGroups.Item item : flush.alerts()) {
      alerts.add(
          new Notification.Alert(
              item.event(),
              item.firing() ? Notification.Status.FIRING : Notification.Status.RESOLVED,
              item.changed(),
              item.since() == null ? item.event().time() : item.since(),
              item.until()));
    }
    String id =
        ActionKeys.of(
            flush.groupKey(),
            String.join(",", keys.stream().map(LedgerKey::actionKey).sorted().toList()));
    return new Notification(
        id,
        flush.receiver(),
        flush.groupKey(),
        Notification.Kind.valueOf(flush.kind().name()),
        alerts,
        flush.thread(),
        flush.repeat());
  }

  private LedgerKey repeatKey(AlertGroups.Flush flush) {
    AlertGroups.Item first = flush.alerts().get(0);
    String transition =
        flush.newestTransitionId() == null ? first.event().id() : flush.newestTransitionId();
    String key =
        ActionKeys.of(
            transition,
            flush.receiver()
                + "#"
                + flush.kind().name().toLowerCase(Locale.ROOT)
                + "-"
                + flush.repeat());
    Map<String, String> detail = new HashMap<>();
    detail.put(RECEIVER, flush.receiver());
    detail.put(GROUP_KEY, flush.groupKey());
    detail.put(STATUS, REPEAT);
    detail.put(REPEAT, Integer.toString(flush.repeat()));
    detail.put(LANE, type);
    Map<String, String> closed = new HashMap<>(detail);
    closed.put(OUTCOME, "sent");
    return new LedgerKey(
        key, transition, first.event().alarmInstance(), first.action(), type, detail, closed);
  }

  private LedgerKey ledgerKey(AlertGroups.Change change, String closedOutcome) {
    Map<String, String> open = new HashMap<>();
    open.put(ActionLedger.EVENT, Codecs.ALARM_STATE_CHANGE.toJson(change.event()));
    open.put(RECEIVER, change.route().receiver());
    open.put(GROUP_KEY, change.route().groupKey());
    open.put(STATUS, change.firing() ? "firing" : "resolved");
    open.put(LANE, type);
    DeadLetters.Origin origin = origins.get(change.ledgerKey());
    if (origin != null && origin.topic() != null) {
      open.put(ActionLedger.SOURCE_TOPIC, origin.topic());
      open.put(ActionLedger.SOURCE_PARTITION, String.valueOf(origin.partition()));
      open.put(ActionLedger.SOURCE_OFFSET, String.valueOf(origin.offset()));
    }
    Map<String, String> closed = new HashMap<>(open);
    closed.put(OUTCOME, closedOutcome);
    open.put(OUTCOME, "pending");
    return new LedgerKey(
        change.ledgerKey(),
        change.event().id(),
        change.event().alarmInstance(),
        change.action(),
        type,
        open,
        closed);
  }

  /** {@code hash(transitionId, action)}; a route to another receiver gets its own key. */
  static String key(String transitionId, String action, String receiver) {
    return receiver.equals(action)
        ? ActionKeys.of(transitionId, action)
        : ActionKeys.of(transitionId, action + "->" + receiver);
  }

  @Override
  public void forget(Set<Integer> partitions) {
    synchronized (groups) {
      restoredPartitions.removeAll(partitions);
      groups.forget(instance -> partitions.contains(context.partitionOf(instance)));
    }
  }

  /** After a notification ended: drop what it kept of partitions this lane no longer owns. */
  private void forgetForeign() {
    groups.forget(instance -> !restoredPartitions.contains(context.partitionOf(instance)));
  }

  @Override
  public void recover(Set<Integer> partitions) {
    Set<Integer> fresh = new HashSet<>(partitions);
    synchronized (groups) {
      fresh.removeAll(restoredPartitions);
      restoredPartitions.addAll(fresh);
      if (fresh.isEmpty()) {
        return;
      }
      List<ActionLedger.Entry> entries = new ArrayList<>();
      for (ActionLedger.Entry entry : context.ledger().entries()) {
        ActionRecord record = entry.record();
        if (type.equals(entry.detail().get(LANE))
            && entry.detail().containsKey(GROUP_KEY)
            && fresh.contains(context.partitionOf(record.alarmInstance()))
            // kept by forget() while being sent: its state here is newer than the ledger's
            && !groups.holds(record.action(), record.alarmInstance())) {
          entries.add(entry);
        }
      }
      entries.sort(
          Comparator.comparing((ActionLedger.Entry entry) -> entry.record().timestamp())
              .thenComparing(entry -> entry.record().actionKey()));
      int pending = 0;
      for (ActionLedger.Entry entry : entries) {
        pending += restore(entry) ? 1 : 0;
      }
      groups.restored(context.clock().instant());
      if (!entries.isEmpty()) {
        LOG.info(
            "lane {}: restored {} notification records ({} unfinished) into {} groups",
            type,
            entries.size(),
            pending,
            groups.groups());
      }
    }
    tick();
  }

  /** Replays one ledger record into the groups; true when its work is unfinished. */
  private boolean restore(ActionLedger.Entry entry) {
    ActionRecord record = entry.record();
    Map<String, String> detail = entry.detail();
    if (REPEAT.equals(detail.get(STATUS))) {
      if (entry.terminal()) {
        groups.restoreRepeat(
            detail.get(GROUP_KEY), parseInt(detail.get(REPEAT)), record.timestamp());
      }
      return false;
    }
    String json = detail.get(ActionLedger.EVENT);
    if (json == null) {
      return false;
    }
    AlarmStateChange event;
    try {
      event = Codecs.ALARM_STATE_CHANGE.decode("ledger", json.getBytes(StandardCharsets.UTF_8));
    } catch (MalformedRecordException e) {
      LOG.error("cannot restore {}: {}", record.actionKey(), e.getMessage());
      return false;
    }
    Map<String, String> labels = AlertLabels.of(event, record.action());
    NotificationPolicy.Match route = reroute(record.action(), labels, detail);
    boolean firing = "firing".equals(detail.get(STATUS));
    AlertGroups.Change change =
        new AlertGroups.Change(record.actionKey(), record.action(), route, event, firing, labels);
    if (!entry.terminal()) {
      origins.put(record.actionKey(), TransitionIntake.origin(detail));
      if (!groups.accept(change, record.timestamp())) {
        decide(change, "not-sent", "no firing notification to resolve", context.clock().instant());
        return false;
      }
      return true;
    }
    String outcome = detail.getOrDefault(OUTCOME, "");
    if (entry.phase() == Phase.FAILED) {
      groups.restoreSent(change, Map.of(), record.timestamp());
    } else if (outcome.equals("sent")) {
      groups.restoreSent(change, detail, record.timestamp());
    } else if (outcome.equals("muted")) {
      groups.restoreMuted(change, record.timestamp());
    } else {
      groups.restoreDropped(change);
    }
    return false;
  }

  /** The route of a recorded change: the current policy's route with the same group, if any. */
  private NotificationPolicy.Match reroute(
      String action, Map<String, String> labels, Map<String, String> detail) {
    String groupKey = detail.get(GROUP_KEY);
    for (NotificationPolicy.Match match : policy().route(action, labels)) {
      if (match.groupKey().equals(groupKey)) {
        return match;
      }
    }
    return new NotificationPolicy.Match(
        detail.getOrDefault(RECEIVER, action),
        "-",
        List.of(),
        Timing.IMMEDIATE,
        List.of(),
        groupKey);
  }

  private static int parseInt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public int inFlight() {
    synchronized (groups) {
      return groups.pending() + attempts.inFlight();
    }
  }
}
