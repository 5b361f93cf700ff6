package io.tidewatch.actions.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidewatch.actions.core.ActionKeys;
import io.tidewatch.actions.core.ActionWorker;
import io.tidewatch.actions.core.ActionWorkerConfig;
import io.tidewatch.actions.core.ProviderRegistry;
import io.tidewatch.actions.core.RetryPolicy;
import io.tidewatch.actions.core.WorkerTestBed;
import io.tidewatch.actions.policy.Matcher;
import io.tidewatch.actions.policy.PolicyParser;
import io.tidewatch.actions.policy.Silence;
import io.tidewatch.actions.policy.SilenceStore;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.AlarmActions;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The acceptance list, against the local Slack Web API and the embedded broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class SlackNotificationTest {

  private static final String ALARM = "web-cpu-high";
  private static final String ACTION = "ops-slack";
  private static final String CHANNEL = "#ops-alerts";
  private static final String CHANNEL_ID = FakeSlack.channelId(CHANNEL);
  private static final String TOKEN = "test-bot-token-1234";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String POST = "chat.postMessage";
  private static final String UPDATE = "chat.update";

  private WorkerTestBed bed;
  private FakeSlack slack;
  private Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeEach
  void setUp(EmbeddedBroker broker) throws Exception {
    bed = WorkerTestBed.create(broker, "slack");
    slack = FakeSlack.start();
    bed.rules(
        WorkerTestBed.rules(
            List.of(
                WorkerTestBed.alarm(
                    ALARM,
                    new AlarmActions(List.of(ACTION), List.of(ACTION), List.of()),
                    Map.of("severity", "page", "team", "web"))),
            new ActionDefinition(ACTION, SlackProvider.TYPE, Map.of("channel", CHANNEL))));
  }

  @AfterEach
  void tearDown() {
    bed.close();
    slack.close();
  }

  private ActionWorkerConfig config() {
    return bed.config()
        .withEnvironment(
            Map.of(
                SlackProvider.TOKEN_VARIABLE,
                TOKEN,
                SlackProvider.API_URL_VARIABLE,
                slack.apiUrl()))
        .withRetry(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(400), 2.0));
  }

  private ActionWorker start(ActionWorkerConfig config) throws InterruptedException {
    return bed.startWorker(config, ProviderRegistry.of(List.of(new SlackProvider())));
  }

  private AlarmStateChange fire(String host) {
    clock = clock.plusSeconds(1);
    AlarmStateChange event =
        WorkerTestBed.event(
            ALARM,
            Map.of("host", host),
            AlarmState.ALARM,
            AlarmState.OK,
            clock,
            Map.of("severity", "page", "team", "web"));
    bed.publish(event);
    return event;
  }

  private AlarmStateChange resolve(String host) {
    clock = clock.plusSeconds(1);
    AlarmStateChange event =
        WorkerTestBed.event(
            ALARM,
            Map.of("host", host),
            AlarmState.OK,
            AlarmState.ALARM,
            clock,
            Map.of("severity", "page", "team", "web"));
    bed.publish(event);
    return event;
  }

  private List<FakeSlack.Request> awaitRequests(int count) {
    await().atMost(WAIT).until(() -> slack.requests().size() >= count);
    return slack.requests();
  }

  private static JsonNode json(String text) throws Exception {
    return io.tidewatch.actions.slack.SlackMessages.JSON.readTree(text);
  }

  private static String key(AlarmStateChange event) {
    return ActionKeys.of(event.id(), ACTION);
  }

  // 1. firing → one message; resolve → update + thread reply; repeat → thread reply

  @Test
  void shouldPostOnFiringUpdateAndReplyOnResolve() throws Exception {
    start(config());
    AlarmStateChange firing = fire("web-1");
    FakeSlack.Request post = awaitRequests(1).get(0);
    assertThat(post.method()).isEqualTo(POST);
    assertThat(post.param("channel")).isEqualTo(CHANNEL);
    assertThat(post.param("thread_ts")).isNull();
    assertThat(post.authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(post.param("text"))
        .startsWith("🔴 ALARM web-cpu-high{host=web-1}: cpu_utilization 91.2 &gt; 70 for");
    JsonNode attachment = json(post.param("attachments")).get(0);
    assertThat(attachment.get("color").asText()).isEqualTo("#D92D20");
    assertThat(attachment.get("blocks").get(0).get("text").get("text").asText())
        .isEqualTo("🔴 ALARM · web-cpu-high (host=web-1)");
    assertThat(json(post.param("metadata")).get("event_type").asText())
        .isEqualTo("tidewatch_notification");
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.SUCCEEDED));
    ActionRecord sent = last(key(firing));
    String parentTs = sent.detail().get("thread.ts");
    assertThat(sent.detail())
        .containsEntry("thread.channel", CHANNEL_ID)
        .containsEntry("outcome", "sent");
    Thread.sleep(500);
    assertThat(slack.requests()).as("one message for one firing").hasSize(1);

    AlarmStateChange resolved = resolve("web-1");
    List<FakeSlack.Request> requests = awaitRequests(3);
    assertThat(requests).extracting(FakeSlack.Request::method).containsExactly(POST, UPDATE, POST);
    FakeSlack.Request update = requests.get(1);
    assertThat(update.param("channel")).isEqualTo(CHANNEL_ID);
    assertThat(update.param("ts")).isEqualTo(parentTs);
    assertThat(update.param("text"))
        .startsWith("✅ RESOLVED web-cpu-high{host=web-1}: resolved after");
    assertThat(json(update.param("attachments")).get(0).get("color").asText()).isEqualTo("#12B76A");
    FakeSlack.Request reply = requests.get(2);
    assertThat(reply.param("channel")).isEqualTo(CHANNEL_ID);
    assertThat(reply.param("thread_ts")).isEqualTo(parentTs);
    assertThat(reply.param("text")).startsWith("✅ Resolved after");
    await().atMost(WAIT).until(() -> bed.phases(key(resolved)).contains(Phase.SUCCEEDED));
    Thread.sleep(1500);
    assertThat(slack.requests()).hasSize(3);
  }

  @Test
  void shouldResolveTheAlertWhenItsAlarmIsRemovedWhileInAlarm() throws Exception {
    start(config());
    AlarmStateChange firing = fire("web-1");
    awaitRequests(1);
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.SUCCEEDED));

    // rules apply removes the alarm (its action stays); the stream processor then closes the
    // instance with a transition to OK whose reason says so (and whose configuration it may no
    // longer know).
    bed.rules(
        WorkerTestBed.rules(
            List.of(),
            new ActionDefinition(ACTION, SlackProvider.TYPE, Map.of("channel", CHANNEL))));
    clock = clock.plusSeconds(1);
    AlarmStateChange.Detail alarmed = firing.detail();
    bed.publish(
        AlarmStateChange.of(
            "removed-" + firing.id(),
            clock,
            new AlarmStateChange.Detail(
                alarmed.alarmName(),
                alarmed.alarmInstance(),
                alarmed.instance(),
                new AlarmStateChange.State(
                    AlarmState.OK,
                    "alarm removed while in ALARM: the applied rules no longer define this alarm"
                        + " instance, so it is no longer evaluated",
                    null,
                    clock),
                alarmed.state(),
                null,
                alarmed.labels(),
                null)));

    List<FakeSlack.Request> requests = awaitRequests(3);
    assertThat(requests).extracting(FakeSlack.Request::method).containsExactly(POST, UPDATE, POST);
    assertThat(requests.get(1).param("text"))
        .startsWith("✅ RESOLVED web-cpu-high{host=web-1}: resolved after");
  }

  @Test
  void shouldPostRepeatsIntoTheThreadNotTheChannel() throws Exception {
    bed.policy(
        PolicyParser.parse(
            Map.of(
                "route",
                Map.of(
                    "groupBy",
                    List.of("..."),
                    "groupWait",
                    "0s",
                    "groupInterval",
                    "1s",
                    "repeatInterval",
                    "2s"))));
    start(config());
    fire("web-1");
    assertThat(awaitRequests(1).get(0).param("thread_ts")).isNull();
    List<FakeSlack.Request> requests = awaitRequests(2);
    FakeSlack.Request repeat = requests.get(1);
    assertThat(repeat.method()).isEqualTo(POST);
    assertThat(repeat.param("channel")).isEqualTo(CHANNEL_ID);
    assertThat(repeat.param("thread_ts")).isNotNull().isEqualTo(requestTs(0));
    assertThat(repeat.param("text")).startsWith("🔁 Still firing after");
    assertThat(Duration.between(requests.get(0).at(), repeat.at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  /** The ts Slack answered to request {@code i} (the fake numbers them in order). */
  private String requestTs(int i) {
    return String.format(java.util.Locale.ROOT, "1700000000.%06d", 101 + i);
  }

  // 2. the same event twice → one message

  @Test
  void shouldPostOnceWhenTheSameEventArrivesTwice() throws Exception {
    start(config());
    AlarmStateChange firing = fire("web-1");
    bed.publish(firing);
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.DUPLICATE_SKIPPED));
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.SUCCEEDED));
    Thread.sleep(1500);
    assertThat(slack.requests(POST)).hasSize(1);
  }

  // 3. 429 / 5xx / ok:false

  @Test
  void shouldHonourRetryAfterOn429() throws Exception {
    slack.reply(POST, FakeSlack.Reply.rateLimited(2));
    start(config());
    AlarmStateChange firing = fire("web-1");
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.SUCCEEDED));
    List<FakeSlack.Request> posts = slack.requests(POST);
    assertThat(posts).extracting(FakeSlack.Request::status).containsExactly(429, 200);
    assertThat(Duration.between(posts.get(0).at(), posts.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1950));
    assertThat(bed.ledger(key(firing)))
        .anySatisfy(r -> assertThat(r.detail()).containsEntry("retryAfterMs", "2000"));
  }

  @Test
  void shouldRetryServerErrorsAndSucceed() throws Exception {
    slack.reply(POST, FakeSlack.Reply.serverError(), FakeSlack.Reply.serverError());
    start(config());
    AlarmStateChange firing = fire("web-1");
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.SUCCEEDED));
    assertThat(slack.requests(POST))
        .extracting(FakeSlack.Request::status)
        .containsExactly(503, 503, 200);
    assertThat(bed.phases(key(firing)))
        .containsExactly(
            Phase.REQUESTED,
            Phase.REQUESTED,
            Phase.FAILED,
            Phase.REQUESTED,
            Phase.FAILED,
            Phase.REQUESTED,
            Phase.SUCCEEDED);
  }

  @Test
  void shouldNotRetryPermanentErrorsAndRaiseTheActionFailedSignal() throws Exception {
    slack.reply(POST, FakeSlack.Reply.error("channel_not_found"));
    start(config());
    AlarmStateChange firing = fire("web-1");
    await()
        .atMost(WAIT)
        .until(
            () ->
                bed.ledger(key(firing)).stream()
                    .anyMatch(r -> "true".equals(r.detail().get("final"))));
    Thread.sleep(1000);
    assertThat(slack.requests()).as("ok:false channel_not_found is not retried").hasSize(1);
    assertThat(last(key(firing)).detail().get("error"))
        .isEqualTo("Slack refused chat.postMessage to #ops-alerts: channel_not_found");
    await().atMost(WAIT).until(() -> !bed.deadLetters().isEmpty());
    AlarmStateChange signal =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    bed.alarmEvents().stream()
                        .filter(
                            e -> e.detail().alarmName().equals(ActionWorker.ACTION_FAILED_ALARM))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(signal.alarmInstance()).isEqualTo("tidewatch-action-failed{action=ops-slack}");
    assertThat(signal.detail().state().value()).isEqualTo(AlarmState.ALARM);
    assertThat(signal.detail().state().reason())
        .contains("channel_not_found", "web-cpu-high{host=web-1}");
  }

  @Test
  void shouldSurfaceInvalidAuthWithoutLeakingTheToken() throws Exception {
    slack.reply(POST, FakeSlack.Reply.error("invalid_auth"));
    start(config());
    AlarmStateChange firing = fire("web-1");
    await().atMost(WAIT).until(() -> !bed.deadLetters().isEmpty());
    assertThat(slack.requests()).hasSize(1);
    assertThat(bed.ledger().toString()).contains("invalid_auth").doesNotContain(TOKEN);
    assertThat(last(key(firing)).phase()).isEqualTo(Phase.FAILED);
  }

  // 4. silences (created as the CLI does) mute firing notifications; resolves always arrive

  @Test
  void shouldMuteFiringNotificationsButStillDeliverTheResolve() throws Exception {
    bed.policy(
        PolicyParser.parse(
            Map.of(
                "route",
                Map.of(
                    "groupBy",
                    List.of("..."),
                    "groupWait",
                    "0s",
                    "groupInterval",
                    "1s",
                    "repeatInterval",
                    "2s"))));
    start(config());
    SilenceStore silences = bed.silences();

    // notified before the silence: the silence mutes its repeats, not its resolve
    fire("web-1");
    awaitRequests(1);
    Silence silence =
        silences.add(
            List.of(Matcher.parse("alarmName=\"web-cpu-high\"")),
            Instant.now().minusSeconds(1),
            Instant.now().plus(Duration.ofHours(1)),
            "alice",
            "deploying web");
    Thread.sleep(4000);
    assertThat(slack.requests()).as("no repeat while silenced").hasSize(1);

    // fired while silenced: nothing posted
    AlarmStateChange muted = fire("web-2");
    await().atMost(WAIT).until(() -> "muted".equals(outcome(key(muted))));
    assertThat(last(key(muted)).detail().get("reason"))
        .contains(silence.id(), "alice", "deploying web");

    AlarmStateChange resolved = resolve("web-1");
    List<FakeSlack.Request> requests = awaitRequests(3);
    assertThat(requests).extracting(FakeSlack.Request::method).containsExactly(POST, UPDATE, POST);
    assertThat(requests.get(2).param("thread_ts"))
        .isEqualTo(requests.get(0).param("thread_ts") == null ? requestTs(0) : null);
    await().atMost(WAIT).until(() -> "sent".equals(outcome(key(resolved))));

    // fired while silenced, resolved while still silenced: the resolve is delivered anyway
    AlarmStateChange mutedResolve = resolve("web-2");
    List<FakeSlack.Request> all = awaitRequests(4);
    assertThat(all.get(3).method()).isEqualTo(POST);
    assertThat(all.get(3).param("thread_ts")).isNull();
    await().atMost(WAIT).until(() -> "sent".equals(outcome(key(mutedResolve))));
    Thread.sleep(1000);
    assertThat(slack.requests()).hasSize(4);

    silences.expire(silence.id());
    assertThat(silences.get(silence.id()).orElseThrow().status(Instant.now()))
        .isEqualTo(Silence.Status.EXPIRED);
  }

  // 5. dry run: no Slack call, the ledger shows the plan

  @Test
  void shouldOnlyPlanInDryRun() throws Exception {
    start(config().withDryRun(true));
    AlarmStateChange firing = fire("web-1");
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.DRY_RUN));
    assertThat(last(key(firing)).detail().get("plan"))
        .startsWith(
            "chat.postMessage channel=#ops-alerts text=🔴 ALARM web-cpu-high{host=web-1}: cpu_utilization 91.2");
    AlarmStateChange resolved = resolve("web-1");
    await().atMost(WAIT).until(() -> bed.phases(key(resolved)).contains(Phase.DRY_RUN));
    Thread.sleep(500);
    assertThat(slack.requests()).isEmpty();
  }

  // beyond the list: per-channel pacing, grouping, and threads surviving a restart

  @Test
  void shouldPostAtMostOneMessagePerSecondToAChannel() throws Exception {
    start(config());
    fire("web-1");
    fire("web-2");
    fire("web-3");
    List<FakeSlack.Request> posts = awaitRequests(3);
    // The gate spaces the sends by a second; arrival times at the server may jitter by the
    // delivery of each request on a busy machine, so allow for that, not for a burst.
    for (int i = 1; i < 3; i++) {
      assertThat(Duration.between(posts.get(i - 1).at(), posts.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(750));
    }
    assertThat(Duration.between(posts.get(0).at(), posts.get(2).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1800));
  }

  @Test
  void shouldGroupAlertsByAlarmIntoOneMessageAndResolveInItsThread() throws Exception {
    bed.policy(
        PolicyParser.parse(
            Map.of(
                "route",
                Map.of(
                    "groupBy", List.of("alarmName"), "groupWait", "2s", "groupInterval", "1s"))));
    start(config());
    fire("web-1");
    fire("web-2");
    fire("web-3");
    List<FakeSlack.Request> first = awaitRequests(1);
    Thread.sleep(1500);
    assertThat(slack.requests()).hasSize(1);
    assertThat(first.get(0).param("text")).startsWith("🔴 ALARM web-cpu-high (3 alerts)");
    resolve("web-2");
    List<FakeSlack.Request> requests = awaitRequests(3);
    assertThat(requests).extracting(FakeSlack.Request::method).containsExactly(POST, UPDATE, POST);
    assertThat(json(requests.get(1).param("attachments")).toString())
        .contains("2 firing, 1 resolved");
    assertThat(requests.get(2).param("text")).contains("Resolved host=web-2");
    assertThat(requests.get(2).param("thread_ts")).isEqualTo(requestTs(0));
  }

  @Test
  void shouldUpdateTheSameMessageAfterARestart() throws Exception {
    ActionWorker first = start(config());
    AlarmStateChange firing = fire("web-1");
    await().atMost(WAIT).until(() -> bed.phases(key(firing)).contains(Phase.SUCCEEDED));
    first.close();

    start(config());
    resolve("web-1");
    List<FakeSlack.Request> requests = awaitRequests(3);
    assertThat(requests).extracting(FakeSlack.Request::method).containsExactly(POST, UPDATE, POST);
    assertThat(requests.get(1).param("ts")).isEqualTo(requestTs(0));
    assertThat(requests.get(2).param("thread_ts")).isEqualTo(requestTs(0));
  }

  @Test
  void shouldMuteFiringDuringAMuteTimeWindow() throws Exception {
    bed.policy(
        PolicyParser.parse(
            Map.of(
                "route",
                    Map.of(
                        "groupBy",
                        List.of("..."),
                        "groupWait",
                        "0s",
                        "muteTimeWindows",
                        List.of("always")),
                "muteTimeWindows",
                    Map.of(
                        "always",
                        List.of(
                            Map.of(
                                "weekdays",
                                List.of("monday:sunday"),
                                "timezone",
                                "Europe/Berlin"))))));
    start(config());
    AlarmStateChange firing = fire("web-1");
    await().atMost(WAIT).until(() -> "muted".equals(outcome(key(firing))));
    assertThat(last(key(firing)).detail().get("reason")).isEqualTo("mute time window always");
    assertThat(slack.requests()).isEmpty();
  }

  private ActionRecord last(String key) {
    List<ActionRecord> records = bed.ledger(key);
    return records.get(records.size() - 1);
  }

  private String outcome(String key) {
    List<ActionRecord> records = bed.ledger(key);
    return records.isEmpty() ? null : records.get(records.size() - 1).detail().get("outcome");
  }
}
