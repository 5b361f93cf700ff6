package io.tidewatch.actions.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.AlarmActions;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class ActionWorkerTest {

  private static final String ALARM = "web-cpu-high";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private WorkerTestBed bed;
  private RecordingTarget target;
  private RecordingTarget other;
  private int hosts;

  @BeforeEach
  void setUp(EmbeddedBroker broker) throws InterruptedException {
    bed = WorkerTestBed.create(broker, "worker");
    target = RecordingTarget.create("scaler-" + UUID.randomUUID());
    other = RecordingTarget.create("other-" + UUID.randomUUID());
    useRules(List.of("scale"), List.of("scale-in"), List.of("probe"));
  }

  @AfterEach
  void tearDown() {
    bed.close();
    target.close();
    other.close();
  }

  private void useRules(List<String> alarm, List<String> ok, List<String> insufficient) {
    bed.rules(
        WorkerTestBed.rules(
            List.of(
                WorkerTestBed.alarm(
                    ALARM, new AlarmActions(alarm, ok, insufficient), Map.of("severity", "page"))),
            new ActionDefinition("scale", RecordingProvider.TYPE, Map.of("target", target.name())),
            new ActionDefinition(
                "scale-in", RecordingProvider.TYPE, Map.of("target", target.name())),
            new ActionDefinition(
                "probe", RecordingProvider.Second.TYPE, Map.of("target", other.name())),
            new ActionDefinition(
                "oncall", RecordingProvider.Second.TYPE, Map.of("target", other.name())),
            new ActionDefinition("nowhere", "carrier-pigeon", Map.of())));
  }

  private AlarmStateChange transition(AlarmState state, AlarmState previous) {
    hosts++;
    return WorkerTestBed.event(
        ALARM,
        Map.of("host", "web-" + hosts),
        state,
        previous,
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  private ActionWorker start(ActionWorkerConfig config) throws InterruptedException {
    return bed.startWorker(config, ProviderRegistry.load());
  }

  @Test
  void shouldRunTheActionsOfTheNewStateAndRecordEachStep() throws Exception {
    start(bed.config());
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    AlarmStateChange noData = transition(AlarmState.INSUFFICIENT_DATA, AlarmState.OK);
    bed.publish(firing);
    bed.publish(noData);

    String key = ActionKeys.of(firing.id(), "scale");
    await().atMost(WAIT).until(() -> bed.phases(key).contains(Phase.SUCCEEDED));
    assertThat(bed.phases(key)).containsExactly(Phase.REQUESTED, Phase.REQUESTED, Phase.SUCCEEDED);
    assertThat(bed.ledger(key)).extracting(ActionRecord::attempt).containsExactly(0, 1, 1);
    ActionRecord done = bed.ledger(key).get(2);
    assertThat(done.transitionId()).isEqualTo(firing.id());
    assertThat(done.alarmInstance()).isEqualTo(firing.alarmInstance());
    assertThat(done.type()).isEqualTo(RecordingProvider.TYPE);
    assertThat(done.detail())
        .containsEntry("target", target.name())
        .doesNotContainKey(ActionLedger.EVENT);
    assertThat(target.calls())
        .singleElement()
        .satisfies(call -> assertThat(call.state()).isEqualTo("ALARM"));

    await()
        .atMost(WAIT)
        .until(() -> bed.phases(ActionKeys.of(noData.id(), "probe")).contains(Phase.SUCCEEDED));
    assertThat(other.calls()).extracting(RecordingTarget.Call::action).containsExactly("probe");
  }

  @Test
  void shouldSkipATransitionDeliveredAgainAndRecordIt() throws Exception {
    start(bed.config());
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    bed.publish(firing);
    String key = ActionKeys.of(firing.id(), "scale");
    await().atMost(WAIT).until(() -> bed.phases(key).contains(Phase.DUPLICATE_SKIPPED));
    await().atMost(WAIT).until(() -> bed.phases(key).contains(Phase.SUCCEEDED));
    Thread.sleep(300);
    assertThat(target.calls()).hasSize(1);
    ActionRecord duplicate =
        bed.ledger(key).stream()
            .filter(record -> record.phase() == Phase.DUPLICATE_SKIPPED)
            .findFirst()
            .orElseThrow();
    assertThat(duplicate.detail()).containsKey(ActionLedger.DUPLICATE_OF);
  }

  @Test
  void shouldRetryWithBackoffAndHonourRetryAfter() throws Exception {
    start(bed.config());
    target.script(RecordingTarget.Behaviour.RETRY_AFTER_300MS, RecordingTarget.Behaviour.RETRYABLE);
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    String key = ActionKeys.of(firing.id(), "scale");
    await().atMost(WAIT).until(() -> bed.phases(key).contains(Phase.SUCCEEDED));

    List<ActionRecord> records = bed.ledger(key);
    assertThat(records)
        .extracting(ActionRecord::phase, ActionRecord::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Phase.REQUESTED, 0),
            org.assertj.core.groups.Tuple.tuple(Phase.REQUESTED, 1),
            org.assertj.core.groups.Tuple.tuple(Phase.FAILED, 1),
            org.assertj.core.groups.Tuple.tuple(Phase.REQUESTED, 2),
            org.assertj.core.groups.Tuple.tuple(Phase.FAILED, 2),
            org.assertj.core.groups.Tuple.tuple(Phase.REQUESTED, 3),
            org.assertj.core.groups.Tuple.tuple(Phase.SUCCEEDED, 3));
    assertThat(records.get(2).detail())
        .containsEntry("retryAfterMs", "300")
        .containsEntry("retryInMs", "300")
        .containsEntry(ActionLedger.ERROR, "429 from " + target.name());
    assertThat(Duration.between(records.get(2).timestamp(), records.get(3).timestamp()))
        .as("Retry-After is honoured")
        .isGreaterThanOrEqualTo(Duration.ofMillis(290));
    long backoff = Long.parseLong(records.get(4).detail().get("retryInMs"));
    assertThat(backoff)
        .as("second backoff: 50 ms * 2, with jitter in [d/2, d]")
        .isBetween(50L, 100L);
    assertThat(target.calls()).hasSize(1);
  }

  @Test
  void shouldDeadLetterAndSignalWhenRetriesAreExhaustedAndNotifyTheFailureActions()
      throws Exception {
    start(bed.config().withFailureActions(List.of("oncall")));
    target.script(
        RecordingTarget.Behaviour.RETRYABLE,
        RecordingTarget.Behaviour.RETRYABLE,
        RecordingTarget.Behaviour.RETRYABLE,
        RecordingTarget.Behaviour.RETRYABLE);
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    String key = ActionKeys.of(firing.id(), "scale");
    awaitFinalFailure(key);
    ActionRecord last = bed.ledger(key).get(bed.ledger(key).size() - 1);
    assertThat(last.phase()).isEqualTo(Phase.FAILED);
    assertThat(last.attempt()).isEqualTo(4);
    assertThat(last.detail().get(ActionLedger.ERROR)).contains("gave up after 4 attempts");

    await().atMost(WAIT).until(() -> !bed.deadLetters().isEmpty());
    ConsumerRecord<String, byte[]> dead = bed.deadLetters().get(0);
    assertThat(dead.key()).isEqualTo(firing.alarmInstance());
    assertThat(Codecs.ALARM_STATE_CHANGE.decode("dlq", dead.value())).isEqualTo(firing);
    assertThat(WorkerTestBed.headers(dead))
        .containsEntry(DeadLetters.ACTION, "scale")
        .containsEntry(DeadLetters.ACTION_KEY, key)
        .containsEntry(DeadLetters.ATTEMPTS, "4")
        .containsEntry(DeadLetters.SOURCE_TOPIC, bed.topics().alarmEvents().name())
        .containsKey(DeadLetters.SOURCE_OFFSET)
        .hasEntrySatisfying(DeadLetters.REASON, reason -> assertThat(reason).contains("503"));

    AlarmStateChange signal = awaitSignal("scale", AlarmState.ALARM);
    assertThat(signal.detail().state().reason()).contains("scale", firing.alarmInstance(), "503");
    assertThat(signal.detail().labels()).containsEntry("action", "scale");
    await()
        .atMost(WAIT)
        .until(
            () ->
                other.calls().stream()
                    .anyMatch(
                        call -> call.alarmInstance().equals(FailureSignal.instance("scale"))));

    AlarmStateChange next = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(next);
    AlarmStateChange recovered = awaitSignal("scale", AlarmState.OK);
    assertThat(recovered.detail().state().reason()).contains("succeeded again");
  }

  private AlarmStateChange awaitSignal(String action, AlarmState state) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                bed.alarmEvents().stream()
                    .filter(event -> event.alarmInstance().equals(FailureSignal.instance(action)))
                    .filter(event -> event.detail().state().value() == state)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void shouldNotRetryAPermanentFailure() throws Exception {
    start(bed.config());
    target.script(RecordingTarget.Behaviour.PERMANENT);
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    String key = ActionKeys.of(firing.id(), "scale");
    awaitFinalFailure(key);
    assertThat(bed.phases(key)).containsExactly(Phase.REQUESTED, Phase.REQUESTED, Phase.FAILED);
    awaitSignal("scale", AlarmState.ALARM);
  }

  /**
   * Issue 11 item 12: the signal is an alarm instance, so its events must be real transitions: a
   * second (or, after a restart, a third) failure while it is raised changes nothing; the next
   * success returns it to OK, and only then can a failure raise it again.
   */
  @Test
  void shouldRaiseTheFailureSignalOnlyOnRealTransitionsWhenAnActionKeepsFailing() throws Exception {
    ActionWorker first = start(bed.config());
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // one alarm instance throughout: its jobs run one at a time, in order
    target.script(RecordingTarget.Behaviour.PERMANENT, RecordingTarget.Behaviour.PERMANENT);
    failFor(onHost("web-sig", at.plusSeconds(1)));
    failFor(onHost("web-sig", at.plusSeconds(2)));
    first.close();

    start(bed.config());
    target.script(RecordingTarget.Behaviour.PERMANENT);
    failFor(onHost("web-sig", at.plusSeconds(3)));
    bed.publish(onHost("web-sig", at.plusSeconds(4)));
    awaitSignal("scale", AlarmState.OK);
    target.script(RecordingTarget.Behaviour.PERMANENT);
    failFor(onHost("web-sig", at.plusSeconds(5)));
    await().atMost(WAIT).until(() -> signals("scale").size() >= 3);

    List<AlarmStateChange> signals = signals("scale");
    assertThat(signals)
        .extracting(event -> event.detail().state().value())
        .as("ALARM, then OK at the next success, then ALARM again: never ALARM twice in a row")
        .containsExactly(AlarmState.ALARM, AlarmState.OK, AlarmState.ALARM);
    assertThat(signals)
        .extracting(event -> event.detail().previousState().value())
        .containsExactly(AlarmState.OK, AlarmState.ALARM, AlarmState.OK);
  }

  /**
   * Issue 11 item 1, the unrecoverable end: the broker refuses every consumer of this worker (a
   * session timeout below its {@code group.min.session.timeout.ms} of 6 s), so no lane can join.
   * After {@code laneRestart.maxAttempts} failed sessions each lane stops, and says so: its status
   * is down with the cause, the worker reports it, and the lane signal is raised.
   */
  @Test
  void shouldStopALaneLoudlyWhenItsConsumerCannotRecover() throws Exception {
    ActionWorker worker =
        start(
            bed.config()
                .withKafka(
                    Map.of(
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        1000,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                        300))
                .withLaneRestart(
                    new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0)));

    LaneStatus stopped = worker.stoppedLane().get(60, TimeUnit.SECONDS);
    assertThat(stopped.up()).isFalse();
    assertThat(stopped.failure())
        .contains("InvalidSessionTimeoutException", "3 consumer sessions in a row failed");
    await().atMost(WAIT).until(() -> worker.lanes().stream().noneMatch(LaneStatus::up));
    assertThat(worker.lanes())
        .extracting(LaneStatus::name)
        .contains(RecordingProvider.TYPE, RecordingProvider.Second.TYPE);
    assertThat(worker.lanes()).allSatisfy(lane -> assertThat(lane.recoveries()).isEqualTo(2));

    AlarmStateChange signal =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    bed.alarmEvents().stream()
                        .filter(
                            event ->
                                event
                                    .alarmInstance()
                                    .equals(FailureSignal.laneInstance(RecordingProvider.TYPE)))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(signal.detail().state().value()).isEqualTo(AlarmState.ALARM);
    assertThat(signal.detail().state().reason())
        .contains("lane " + RecordingProvider.TYPE + " stopped", "InvalidSessionTimeoutException");
  }

  private static AlarmStateChange onHost(String host, Instant at) {
    return WorkerTestBed.event(ALARM, Map.of("host", host), AlarmState.ALARM, AlarmState.OK, at);
  }

  /** Publishes a transition whose {@code scale} action fails for good, and waits for that. */
  private void failFor(AlarmStateChange firing) {
    bed.publish(firing);
    String key = ActionKeys.of(firing.id(), "scale");
    awaitFinalFailure(key);
  }

  private void awaitFinalFailure(String key) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                bed.ledger(key).stream()
                    .anyMatch(r -> "true".equals(r.detail().get(ActionLedger.FINAL))));
  }

  private List<AlarmStateChange> signals(String action) {
    return bed.alarmEvents().stream()
        .filter(event -> event.alarmInstance().equals(FailureSignal.instance(action)))
        .toList();
  }

  @Test
  void shouldRedactASecretThatAProviderLeaks() throws Exception {
    String secret = "s3cr3t-" + UUID.randomUUID();
    start(bed.config().withEnvironment(Map.of(RecordingProvider.SECRET_VARIABLE, secret)));
    target.script(RecordingTarget.Behaviour.LEAK_SECRET);
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    await().atMost(WAIT).until(() -> !bed.deadLetters().isEmpty());
    AlarmStateChange signal = awaitSignal("scale", AlarmState.ALARM);
    String failed = bed.ledger(ActionKeys.of(firing.id(), "scale")).toString();
    assertThat(failed).doesNotContain(secret).contains("401 token " + Redactor.MASK);
    assertThat(WorkerTestBed.headers(bed.deadLetters().get(0)).toString()).doesNotContain(secret);
    assertThat(signal.toString()).doesNotContain(secret);
  }

  @Test
  void shouldPlanWithoutExecutingInDryRun() throws Exception {
    start(bed.config().withDryRun(true));
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    String key = ActionKeys.of(firing.id(), "scale");
    await().atMost(WAIT).until(() -> bed.phases(key).contains(Phase.DRY_RUN));
    ActionRecord planned = bed.ledger(key).get(bed.ledger(key).size() - 1);
    assertThat(planned.detail())
        .containsEntry(ActionLedger.DRY_RUN, "true")
        .containsEntry(
            "plan", "record a call on " + target.name() + " for " + firing.alarmInstance());
    assertThat(target.calls()).isEmpty();
    assertThat(target.plans()).hasSize(1);
  }

  @Test
  void shouldKeepOtherProvidersGoingWhileOneIsStuck() throws Exception {
    start(bed.config());
    target.hold();
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    AlarmStateChange noData = transition(AlarmState.INSUFFICIENT_DATA, AlarmState.OK);
    bed.publish(firing);
    bed.publish(noData);
    await()
        .atMost(WAIT)
        .until(() -> bed.phases(ActionKeys.of(noData.id(), "probe")).contains(Phase.SUCCEEDED));
    assertThat(target.calls()).isEmpty();
    target.release();
    await()
        .atMost(WAIT)
        .until(() -> bed.phases(ActionKeys.of(firing.id(), "scale")).contains(Phase.SUCCEEDED));
  }

  @Test
  void shouldHoldAtMostMaxInFlightJobsUnderABacklog() throws Exception {
    start(bed.config().withLimits(RecordingProvider.TYPE, new ProviderLimits(1, 100, 3)));
    target.hold();
    List<AlarmStateChange> backlog = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
      backlog.add(firing);
      bed.publish(firing);
    }
    await().atMost(WAIT).until(() -> accepted(backlog) == 3);
    Thread.sleep(1500);
    assertThat(accepted(backlog))
        .as("only maxInFlight transitions are taken from the topic")
        .isEqualTo(3);
    target.release();
    await().atMost(WAIT).until(() -> target.calls().size() == 12);
    assertThat(accepted(backlog)).isEqualTo(12);
  }

  private long accepted(List<AlarmStateChange> events) {
    List<String> keys = events.stream().map(event -> ActionKeys.of(event.id(), "scale")).toList();
    return bed.ledger().stream()
        .map(ActionRecord::actionKey)
        .filter(keys::contains)
        .distinct()
        .count();
  }

  @Test
  void shouldStartAtMostPermitsPerSecond() throws Exception {
    start(bed.config().withLimits(RecordingProvider.TYPE, new ProviderLimits(4, 4, 100)));
    for (int i = 0; i < 8; i++) {
      bed.publish(transition(AlarmState.ALARM, AlarmState.OK));
    }
    await().atMost(WAIT).until(() -> target.calls().size() == 8);
    List<Instant> times = target.calls().stream().map(RecordingTarget.Call::at).sorted().toList();
    assertThat(Duration.between(times.get(0), times.get(7)))
        .as("4 at once, then 4 more at 4 per second")
        .isGreaterThanOrEqualTo(Duration.ofMillis(700));
  }

  @Test
  void shouldReCheckAnAttemptWhoseOutcomeWasNotRecordedBeforeRetrying() throws Exception {
    // A crash between the side effect and the ledger write, simulated: the target did it, the
    // ledger only says the attempt started.
    AlarmStateChange done = transition(AlarmState.ALARM, AlarmState.OK);
    AlarmStateChange notDone = transition(AlarmState.ALARM, AlarmState.OK);
    AlarmStateChange neverTried = transition(AlarmState.ALARM, AlarmState.OK);
    ActionDefinition scale =
        new ActionDefinition("scale", RecordingProvider.TYPE, Map.of("target", target.name()));
    target.call(ActionRequest.forTransition(scale, done, 1), "");
    writeLedger(done, 1);
    writeLedger(notDone, 1);
    writeLedger(neverTried, 0);

    start(bed.config());
    String doneKey = ActionKeys.of(done.id(), "scale");
    await().atMost(WAIT).until(() -> bed.phases(doneKey).contains(Phase.SUCCEEDED));
    assertThat(bed.ledger(doneKey).get(bed.ledger(doneKey).size() - 1).detail())
        .containsEntry("recovered", "recheck");
    await()
        .atMost(WAIT)
        .until(() -> bed.phases(ActionKeys.of(notDone.id(), "scale")).contains(Phase.SUCCEEDED));
    await()
        .atMost(WAIT)
        .until(() -> bed.phases(ActionKeys.of(neverTried.id(), "scale")).contains(Phase.SUCCEEDED));
    assertThat(target.calls())
        .extracting(RecordingTarget.Call::alarmInstance)
        .containsExactlyInAnyOrder(
            done.alarmInstance(), notDone.alarmInstance(), neverTried.alarmInstance());
    assertThat(bed.ledger(ActionKeys.of(notDone.id(), "scale")))
        .filteredOn(record -> record.phase() == Phase.REQUESTED)
        .extracting(ActionRecord::attempt)
        .containsExactly(1, 2);
  }

  private void writeLedger(AlarmStateChange event, int attempt) {
    String key = ActionKeys.of(event.id(), "scale");
    ActionRecord record =
        new ActionRecord(
            key,
            event.id(),
            event.alarmInstance(),
            "scale",
            RecordingProvider.TYPE,
            Phase.REQUESTED,
            attempt,
            Instant.now(),
            Map.of(ActionLedger.EVENT, Codecs.ALARM_STATE_CHANGE.toJson(event)));
    bed.send(bed.topics().actions().name(), key, bed.topics().actions().codec().encode(record));
  }

  @Test
  void shouldDeadLetterWhatNoProviderCanTake() throws Exception {
    useRules(List.of("nowhere", "undefined-action"), List.of(), List.of());
    start(bed.config());
    AlarmStateChange firing = transition(AlarmState.ALARM, AlarmState.OK);
    bed.publish(firing);
    bed.send(
        bed.topics().alarmEvents().name(), "poison", "{not json".getBytes(StandardCharsets.UTF_8));

    await().atMost(WAIT).until(() -> bed.deadLetters().size() == 3);
    List<Map<String, String>> headers =
        bed.deadLetters().stream().map(WorkerTestBed::headers).toList();
    assertThat(headers)
        .anySatisfy(
            h ->
                assertThat(h.get(DeadLetters.REASON))
                    .contains("no provider for action type 'carrier-pigeon'"))
        .anySatisfy(
            h ->
                assertThat(h.get(DeadLetters.REASON))
                    .contains("action undefined-action is not defined"))
        .anySatisfy(
            h -> {
              assertThat(h.get(DeadLetters.REASON)).contains("not a valid AlarmStateChange");
              assertThat(h).containsKeys(DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET);
            });
    assertThat(bed.phases(ActionKeys.of(firing.id(), "nowhere"))).endsWith(Phase.FAILED);
    awaitSignal("nowhere", AlarmState.ALARM);
  }
}
