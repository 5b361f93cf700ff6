package io.tidewatch.actions.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.AlarmActions;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests every action provider passes (Micrometer's {@code MeterRegistryCompatibilityKit}
 * method): idempotency through the real worker and ledger, retry classification, dry run without
 * mutating calls, and secrets never recorded. A provider's test extends this class and says how to
 * start a fake of its target, which settings point at it and where its secret goes.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
public abstract class ActionProviderCompatibilityKit {

  /** How the target should fail its next mutating call. */
  public enum Failure {
    /** A failure worth retrying: 5xx, rate limited, connection reset. */
    RETRYABLE,
    /** A failure retrying cannot fix: unknown target, bad credentials. */
    PERMANENT
  }

  /** A fake of the provider's target system, started for each test. */
  public interface Target extends AutoCloseable {
    /** Mutating calls that succeeded (created, changed or sent something). */
    int mutatingCalls();

    void failNext(Failure failure);

    void reset();

    @Override
    void close();
  }

  private static final String ACTION = "kit-action";
  private static final String ALARM = "kit-alarm";

  protected final String canary = "tw-canary-" + UUID.randomUUID();
  private Target target;
  private WorkerTestBed bed;

  /** The provider under test. */
  protected abstract ActionProvider provider();

  /** Starts a fake of the target system. */
  protected abstract Target startTarget() throws Exception;

  /** Valid settings of an action of this provider that point at {@code target}. */
  protected abstract Map<String, Object> settings(Target target);

  /** The environment the provider runs with: where {@code secret} is its credential. */
  protected abstract Map<String, String> environment(Target target, String secret);

  @BeforeEach
  void startKit(EmbeddedBroker broker) throws Exception {
    target = startTarget();
    bed = WorkerTestBed.create(broker, "kit-" + provider().type());
  }

  @AfterEach
  void stopKit() {
    if (bed != null) {
      bed.close();
    }
    if (target != null) {
      target.close();
    }
  }

  protected Target target() {
    return target;
  }

  @Test
  void shouldAcceptItsSettingsAndRejectUnknownOnes() {
    assertThat(provider().validate(settings(target))).isEmpty();
    Map<String, Object> wrong = new HashMap<>(settings(target));
    wrong.put("noSuchSetting", 42);
    assertThat(provider().validate(wrong)).isNotEmpty();
  }

  @Test
  void shouldExecuteOnceWhenTheSameTransitionIsDeliveredTwice() throws Exception {
    startWorker(false, Map.of());
    AlarmStateChange event = firing();
    bed.publish(event);
    String key = ActionKeys.of(event.id(), ACTION);
    await().atMost(Duration.ofSeconds(30)).until(() -> bed.phases(key).contains(Phase.SUCCEEDED));
    int calls = target.mutatingCalls();
    assertThat(calls).isPositive();

    bed.publish(event);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> bed.phases(key).contains(Phase.DUPLICATE_SKIPPED));
    Thread.sleep(500);
    assertThat(target.mutatingCalls()).isEqualTo(calls);
  }

  @Test
  void shouldClassifyARetryableFailureAndSucceedOnRetry() throws Exception {
    ActionExecutor executor = executor(environment(target, canary));
    target.failNext(Failure.RETRYABLE);
    assertThat(executor.execute(request(firing()))).isInstanceOf(ActionResult.Retryable.class);
    assertThat(target.mutatingCalls()).isZero();
    executor.close();

    startWorker(false, Map.of());
    target.failNext(Failure.RETRYABLE);
    AlarmStateChange event = firing();
    bed.publish(event);
    String key = ActionKeys.of(event.id(), ACTION);
    await().atMost(Duration.ofSeconds(30)).until(() -> bed.phases(key).contains(Phase.SUCCEEDED));
    assertThat(bed.ledger(key))
        .anySatisfy(
            record -> {
              assertThat(record.phase()).isEqualTo(Phase.FAILED);
              assertThat(record.detail()).doesNotContainEntry(ActionLedger.FINAL, "true");
            });
    assertThat(target.mutatingCalls()).isPositive();
  }

  @Test
  void shouldClassifyAPermanentFailureWithoutRetryAndSignalIt() throws Exception {
    ActionExecutor executor = executor(environment(target, canary));
    target.failNext(Failure.PERMANENT);
    assertThat(executor.execute(request(firing()))).isInstanceOf(ActionResult.Permanent.class);
    executor.close();

    startWorker(false, Map.of());
    target.failNext(Failure.PERMANENT);
    AlarmStateChange event = firing();
    bed.publish(event);
    String key = ActionKeys.of(event.id(), ACTION);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                bed.ledger(key).stream()
                    .anyMatch(record -> "true".equals(record.detail().get(ActionLedger.FINAL))));
    assertThat(
            bed.ledger(key).stream()
                .filter(record -> record.phase() == Phase.REQUESTED && record.attempt() >= 1))
        .as("a permanent failure is attempted once")
        .hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !bed.deadLetters().isEmpty());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                bed.alarmEvents().stream()
                    .anyMatch(
                        signal ->
                            signal.alarmInstance().equals(FailureSignal.instance(ACTION))
                                && signal.detail().state().value() == AlarmState.ALARM));
  }

  @Test
  void shouldMakeNoMutatingCallInDryRun() throws Exception {
    startWorker(true, Map.of());
    AlarmStateChange event = firing();
    bed.publish(event);
    String key = ActionKeys.of(event.id(), ACTION);
    await().atMost(Duration.ofSeconds(30)).until(() -> bed.phases(key).contains(Phase.DRY_RUN));
    ActionRecord planned =
        bed.ledger(key).stream()
            .filter(record -> record.phase() == Phase.DRY_RUN)
            .findFirst()
            .orElseThrow();
    assertThat(planned.detail().get("plan")).as("the ledger shows the plan").isNotBlank();
    Thread.sleep(500);
    assertThat(target.mutatingCalls()).isZero();
  }

  @Test
  void shouldMakeNoMutatingCallWhenTheActionAsksForADryRun() throws Exception {
    startWorker(false, Map.of(ProviderRegistry.DRY_RUN_SETTING, true));
    AlarmStateChange event = firing();
    bed.publish(event);
    String key = ActionKeys.of(event.id(), ACTION);
    await().atMost(Duration.ofSeconds(30)).until(() -> bed.phases(key).contains(Phase.DRY_RUN));
    Thread.sleep(500);
    assertThat(target.mutatingCalls()).isZero();
  }

  @Test
  void shouldNeverRecordItsSecret() throws Exception {
    ActionDefinition definition = definition(Map.of());
    assertThat(String.join("\n", provider().validate(settings(target)))).doesNotContain(canary);
    ActionExecutor direct = executor(environment(target, canary));
    assertThat(direct.toString()).doesNotContain(canary);
    target.failNext(Failure.PERMANENT);
    assertThat(direct.execute(request(firing())).toString()).doesNotContain(canary);
    assertThat(direct.plan(request(firing())).toString()).doesNotContain(canary);
    direct.close();
    target.reset();

    startWorker(false, Map.of());
    target.failNext(Failure.RETRYABLE);
    AlarmStateChange succeeding = firing();
    bed.publish(succeeding);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                bed.phases(ActionKeys.of(succeeding.id(), definition.name()))
                    .contains(Phase.SUCCEEDED));
    target.failNext(Failure.PERMANENT);
    AlarmStateChange failing = firing();
    bed.publish(failing);
    await().atMost(Duration.ofSeconds(30)).until(() -> !bed.deadLetters().isEmpty());

    for (ActionRecord record : bed.ledger()) {
      assertThat(record.toString()).doesNotContain(canary);
    }
    for (ConsumerRecord<String, byte[]> dead : bed.deadLetters()) {
      assertThat(new String(dead.value(), StandardCharsets.UTF_8)).doesNotContain(canary);
      assertThat(WorkerTestBed.headers(dead).toString()).doesNotContain(canary);
    }
    for (AlarmStateChange event : bed.alarmEvents()) {
      assertThat(event.toString()).doesNotContain(canary);
    }
  }

  // --- helpers ----------------------------------------------------------------------------

  private int transitions;

  /** A new firing transition of a new alarm instance. */
  protected AlarmStateChange firing() {
    transitions++;
    return WorkerTestBed.event(
        ALARM,
        Map.of("host", "kit-" + transitions),
        AlarmState.ALARM,
        AlarmState.OK,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).plusMillis(transitions),
        Map.of("severity", "page"));
  }

  protected ActionDefinition definition(Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(settings(target));
    settings.putAll(extra);
    return new ActionDefinition(ACTION, provider().type(), settings);
  }

  /** A request as the worker would make it for {@code event}, attempt 1. */
  protected ActionRequest request(AlarmStateChange event) {
    ActionDefinition definition = definition(Map.of());
    if (provider().delivery() == ActionProvider.Delivery.NOTIFICATION) {
      Notification notification =
          new Notification(
              "kit-" + event.id(),
              ACTION,
              ACTION + "|" + event.alarmInstance(),
              Notification.Kind.FIRST,
              List.of(
                  new Notification.Alert(
                      event, Notification.Status.FIRING, true, event.time(), null)),
              Map.of(),
              0);
      return ActionRequest.forNotification(
          ActionKeys.of(event.id(), ACTION), definition, notification, 1);
    }
    return ActionRequest.forTransition(definition, event, 1);
  }

  private ActionExecutor executor(Map<String, String> environment) {
    return provider()
        .executor(
            definition(Map.of()), new ProviderContext(environment, java.time.Clock.systemUTC()));
  }

  private void startWorker(boolean dryRun, Map<String, Object> extra) throws InterruptedException {
    ActionDefinition definition = definition(extra);
    RuleSet rules =
        WorkerTestBed.rules(
            List.of(
                WorkerTestBed.alarm(
                    ALARM,
                    new AlarmActions(List.of(ACTION), List.of(ACTION), List.of()),
                    Map.of("severity", "page"))),
            definition);
    bed.rules(rules);
    bed.startWorker(
        bed.config().withDryRun(dryRun).withEnvironment(environment(target, canary)),
        ProviderRegistry.of(List.of(provider())));
  }
}
