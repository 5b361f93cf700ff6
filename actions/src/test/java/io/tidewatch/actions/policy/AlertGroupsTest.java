package io.tidewatch.actions.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Alertmanager's timing, silences and resolve rules, driven by hand with explicit times. */
class AlertGroupsTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Timing TIMING =
      new Timing(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));
  private static final Map<String, String> THREAD =
      Map.of("thread.channel", "C1", "thread.ts", "1.1");

  private final AlertGroups groups = new AlertGroups();
  private int transitions;

  private static NotificationPolicy.Match route(Timing timing, List<MuteTimeWindow> windows) {
    return new NotificationPolicy.Match(
        "ops-slack", "0", List.of("alarmName"), timing, windows, "ops-slack/0/{alarmName=web}");
  }

  private AlertGroups.Change change(String host, boolean firing, Instant at) {
    return change(host, firing, at, route(TIMING, List.of()));
  }

  private AlertGroups.Change change(
      String host, boolean firing, Instant at, NotificationPolicy.Match route) {
    transitions++;
    AlarmState state = firing ? AlarmState.ALARM : AlarmState.OK;
    AlarmStateChange event =
        AlarmStateChange.of(
            "t" + transitions,
            at,
            new AlarmStateChange.Detail(
                "web",
                "web{host=" + host + "}",
                Map.of("host", host),
                new AlarmStateChange.State(state, "r", null, at),
                null,
                null,
                Map.of(),
                null));
    return new AlertGroups.Change(
        "k" + transitions, "ops-slack", route, event, firing, AlertLabels.of(event, "ops-slack"));
  }

  @Test
  void shouldWaitGroupWaitThenSendOneNotificationForTheGroup() {
    groups.accept(change("a", true, T0), T0);
    groups.accept(change("b", true, T0.plusSeconds(10)), T0.plusSeconds(10));
    assertThat(groups.due(T0.plusSeconds(29), AlertGroups.Silences.NONE).flushes()).isEmpty();
    AlertGroups.Tick tick = groups.due(T0.plusSeconds(30), AlertGroups.Silences.NONE);
    assertThat(tick.flushes())
        .singleElement()
        .satisfies(
            flush -> {
              assertThat(flush.kind()).isEqualTo(AlertGroups.Kind.FIRST);
              assertThat(flush.alerts()).hasSize(2).allMatch(AlertGroups.Item::changed);
              assertThat(flush.changes())
                  .extracting(AlertGroups.Change::ledgerKey)
                  .containsExactly("k1", "k2");
            });
    assertThat(groups.pending()).isZero();
  }

  /**
   * A lane that loses partitions forgets their alerts (to rebuild them from the ledger if they come
   * back), but a notification being sent ends as usual: its alerts stay until it is settled.
   */
  @Test
  void shouldForgetTheAlertsOfLostInstancesButKeepThoseBeingSent() {
    groups.accept(change("a", true, T0), T0);
    AlertGroups.Flush sending =
        groups.due(T0.plusSeconds(30), AlertGroups.Silences.NONE).flushes().get(0);
    groups.accept(change("b", true, T0.plusSeconds(31)), T0.plusSeconds(31));

    groups.forget(instance -> true);

    assertThat(groups.holds("ops-slack", "web{host=a}")).as("being sent").isTrue();
    assertThat(groups.holds("ops-slack", "web{host=b}")).as("forgotten").isFalse();
    assertThat(groups.pending()).isZero();
    groups.delivered(sending.id(), THREAD, T0.plusSeconds(32));
    groups.forget(instance -> instance.equals("web{host=a}"));
    assertThat(groups.holds("ops-slack", "web{host=a}")).isFalse();
    assertThat(groups.groups()).isZero();
  }

  @Test
  void shouldSendChangesAtMostEveryGroupIntervalAndRepeatAfterTheRepeatInterval() {
    groups.accept(change("a", true, T0), T0);
    AlertGroups.Flush first =
        groups.due(T0.plusSeconds(30), AlertGroups.Silences.NONE).flushes().get(0);
    groups.delivered(first.id(), THREAD, T0.plusSeconds(31));

    groups.accept(change("b", true, T0.plusSeconds(60)), T0.plusSeconds(60));
    assertThat(groups.due(T0.plusSeconds(61), AlertGroups.Silences.NONE).flushes())
        .as("within the group interval")
        .isEmpty();
    AlertGroups.Flush update =
        groups.due(T0.plusSeconds(330), AlertGroups.Silences.NONE).flushes().get(0);
    assertThat(update.kind()).isEqualTo(AlertGroups.Kind.UPDATE);
    assertThat(update.thread()).isEqualTo(THREAD);
    assertThat(update.alerts()).extracting(AlertGroups.Item::changed).containsExactly(false, true);
    groups.delivered(update.id(), Map.of(), T0.plusSeconds(331));

    Instant beforeRepeat = T0.plusSeconds(331).plus(Duration.ofHours(4)).minusSeconds(1);
    assertThat(groups.due(beforeRepeat, AlertGroups.Silences.NONE).flushes()).isEmpty();
    AlertGroups.Flush repeat =
        groups.due(beforeRepeat.plusSeconds(301), AlertGroups.Silences.NONE).flushes().get(0);
    assertThat(repeat.kind()).isEqualTo(AlertGroups.Kind.REPEAT);
    assertThat(repeat.repeat()).isEqualTo(1);
    assertThat(repeat.changes()).isEmpty();
    assertThat(repeat.thread()).isEqualTo(THREAD);
  }

  @Test
  void shouldDeliverTheResolveOfANotifiedAlertEvenWhenSilenced() {
    groups.accept(change("a", true, T0), T0);
    AlertGroups.Flush first =
        groups.due(T0.plusSeconds(30), AlertGroups.Silences.NONE).flushes().get(0);
    groups.delivered(first.id(), THREAD, T0.plusSeconds(30));
    AlertGroups.Silences everything = (labels, at) -> Optional.of("silence s1");

    groups.accept(change("a", false, T0.plusSeconds(100)), T0.plusSeconds(100));
    AlertGroups.Flush resolve = groups.due(T0.plusSeconds(330), everything).flushes().get(0);
    assertThat(resolve.kind()).isEqualTo(AlertGroups.Kind.UPDATE);
    assertThat(resolve.alerts())
        .singleElement()
        .satisfies(item -> assertThat(item.firing()).isFalse());
    groups.delivered(resolve.id(), Map.of(), T0.plusSeconds(331));
    assertThat(groups.groups()).as("the episode is over").isZero();
  }

  @Test
  void shouldMuteSilencedFiringAlertsAndNotifyThemOnceTheSilenceEnds() {
    Instant end = T0.plusSeconds(600);
    AlertGroups.Silences until =
        (labels, at) -> at.isBefore(end) ? Optional.of("silence s1") : Optional.empty();
    groups.accept(change("a", true, T0), T0);
    AlertGroups.Tick muted = groups.due(T0.plusSeconds(30), until);
    assertThat(muted.flushes()).isEmpty();
    assertThat(muted.decisions())
        .singleElement()
        .satisfies(
            decision -> {
              assertThat(decision.outcome()).isEqualTo(AlertGroups.Outcome.MUTED);
              assertThat(decision.reason()).isEqualTo("silence s1");
            });
    assertThat(groups.due(T0.plusSeconds(330), until).flushes()).isEmpty();
    AlertGroups.Flush after = groups.due(T0.plusSeconds(630), until).flushes().get(0);
    assertThat(after.kind()).isEqualTo(AlertGroups.Kind.FIRST);
    assertThat(after.changes()).as("its change was already recorded as muted").isEmpty();
  }

  @Test
  void shouldDeliverTheResolveOfAnAlertWhoseFiringWasMutedBySilence() {
    AlertGroups.Silences everything = (labels, at) -> Optional.of("silence s1");
    groups.accept(change("a", true, T0), T0);
    AlertGroups.Tick muted = groups.due(T0.plusSeconds(30), everything);
    assertThat(muted.flushes()).isEmpty();
    assertThat(muted.decisions())
        .singleElement()
        .satisfies(d -> assertThat(d.outcome()).isEqualTo(AlertGroups.Outcome.MUTED));

    AlertGroups.Change resolved = change("a", false, T0.plusSeconds(100));
    assertThat(groups.accept(resolved, T0.plusSeconds(100))).isTrue();
    AlertGroups.Tick tick = groups.due(T0.plusSeconds(330), everything);
    assertThat(tick.flushes())
        .as("a resolve is never muted, even for an alert people did not hear fire")
        .singleElement()
        .satisfies(
            flush -> {
              assertThat(flush.kind()).isEqualTo(AlertGroups.Kind.FIRST);
              assertThat(flush.changes()).containsExactly(resolved);
              assertThat(flush.alerts())
                  .singleElement()
                  .satisfies(item -> assertThat(item.firing()).isFalse());
            });
    groups.delivered(tick.flushes().get(0).id(), THREAD, T0.plusSeconds(331));
    assertThat(groups.groups()).as("the episode is over").isZero();
  }

  @Test
  void shouldDropAResolveOfAnAlertThatWasNeverNotified() {
    groups.accept(change("a", true, T0), T0);
    groups.accept(change("a", false, T0.plusSeconds(10)), T0.plusSeconds(10));
    AlertGroups.Tick tick = groups.due(T0.plusSeconds(30), AlertGroups.Silences.NONE);
    assertThat(tick.flushes()).isEmpty();
    assertThat(tick.decisions())
        .extracting(AlertGroups.Decision::outcome)
        .containsExactly(AlertGroups.Outcome.NOT_SENT, AlertGroups.Outcome.NOT_SENT);
    assertThat(groups.groups()).isZero();
    assertThat(groups.accept(change("b", false, T0.plusSeconds(40)), T0.plusSeconds(40)))
        .as("nothing to resolve")
        .isFalse();
  }

  @Test
  void shouldMuteDuringAMuteWindowButNotTheResolve() {
    MuteTimeWindow nights =
        new MuteTimeWindow(
            "nights",
            List.of(
                new MuteTimeWindow.Interval(
                    java.util.Set.of(),
                    List.of(new MuteTimeWindow.TimeRange(LocalTime.of(22, 0), LocalTime.of(7, 0))),
                    ZoneOffset.UTC)));
    NotificationPolicy.Match route = route(TIMING, List.of(nights));
    Instant day = Instant.parse("2026-11-23T12:00:00Z");
    groups.accept(change("a", true, day, route), day);
    AlertGroups.Flush first =
        groups.due(day.plusSeconds(30), AlertGroups.Silences.NONE).flushes().get(0);
    groups.delivered(first.id(), THREAD, day.plusSeconds(30));
    Instant night = Instant.parse("2026-11-23T23:00:00Z");
    groups.accept(change("b", true, night, route), night);
    groups.accept(change("a", false, night, route), night);
    AlertGroups.Tick tick = groups.due(night.plusSeconds(1), AlertGroups.Silences.NONE);
    assertThat(tick.decisions())
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).isEqualTo("mute time window nights"));
    assertThat(tick.flushes())
        .singleElement()
        .satisfies(
            flush ->
                assertThat(flush.alerts())
                    .singleElement()
                    .satisfies(
                        item -> {
                          assertThat(item.firing()).isFalse();
                          assertThat(item.event().alarmInstance()).isEqualTo("web{host=a}");
                        }));
  }

  @Test
  void shouldNotLoopOnAFailedNotification() {
    groups.accept(change("a", true, T0), T0);
    AlertGroups.Flush first =
        groups.due(T0.plusSeconds(30), AlertGroups.Silences.NONE).flushes().get(0);
    groups.failed(first.id(), T0.plusSeconds(31));
    assertThat(groups.due(T0.plusSeconds(400), AlertGroups.Silences.NONE).flushes()).isEmpty();
  }

  @Test
  void shouldRestoreNotifiedAlertsAndTheirThreadFromTheLedger() {
    AlertGroups.Change firing = change("a", true, T0);
    groups.restoreSent(
        firing, Map.of("thread.channel", "C1", "thread.ts", "1.1", "outcome", "sent"), T0);
    groups.restored(T0.plusSeconds(60));
    assertThat(groups.firingActions("web{host=a}")).containsExactly("ops-slack");
    groups.accept(change("a", false, T0.plusSeconds(70)), T0.plusSeconds(70));
    AlertGroups.Flush resolve =
        groups.due(T0.plusSeconds(70), AlertGroups.Silences.NONE).flushes().get(0);
    assertThat(resolve.kind()).isEqualTo(AlertGroups.Kind.UPDATE);
    assertThat(resolve.thread()).isEqualTo(THREAD);
  }

  @Test
  void shouldTellWhenAMuteWindowContainsAnInstant() {
    MuteTimeWindow.Interval weekdaysNight =
        new MuteTimeWindow.Interval(
            java.util.EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            List.of(new MuteTimeWindow.TimeRange(LocalTime.of(22, 0), LocalTime.of(7, 0))),
            java.time.ZoneId.of("Asia/Seoul"));
    // 2026-11-23 is a Monday; 13:30 UTC is 22:30 in Seoul
    assertThat(weekdaysNight.contains(Instant.parse("2026-11-23T13:30:00Z"))).isTrue();
    assertThat(weekdaysNight.contains(Instant.parse("2026-11-23T12:30:00Z"))).isFalse();
    // Saturday 06:00 in Seoul: the night that started on Friday
    assertThat(weekdaysNight.contains(Instant.parse("2026-11-27T21:00:00Z"))).isTrue();
    // Sunday 06:00 in Seoul: started on Saturday, not a weekday
    assertThat(weekdaysNight.contains(Instant.parse("2026-11-28T21:00:00Z"))).isFalse();
  }
}
