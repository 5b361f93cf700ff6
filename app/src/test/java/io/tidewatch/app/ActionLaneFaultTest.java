package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.actions.core.ActionKeys;
import io.tidewatch.actions.core.WorkerTestBed;
import io.tidewatch.actions.slack.FakeSlack;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import io.tidewatch.testkit.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 1, the action lanes of {@code tidewatch up} (a child JVM, Slack pointed at the
 * local fake) under faults. Frozen with {@code kill -STOP} until the broker has expired the Slack
 * lane's group membership while a transition arrives, then {@code kill -CONT}: the lane's first
 * commit after waking is refused ("the group has already rebalanced"), and it must re-join and go
 * on — the transition that came during the pause and a later one are each posted exactly once, what
 * was posted before is not posted again, and {@code /metrics} shows the lane up. And when a lane
 * can never recover, {@code up} must say so and exit non-zero rather than run on half alive.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ActionLaneFaultTest {

  private static final String TOKEN = "xoxb-0000-pause-test-token";
  private static final String ALARM = "pause-cpu";
  private static final String RULES =
      """
      alarms:
        - name: pause-cpu
          metric: {namespace: pause, name: cpu}
          groupBy: [host]
          statistic: Maximum
          period: 10s
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 50
          treatMissingData: notBreaching
          actions: {alarm: [ops-slack]}
      actions:
        ops-slack: {type: slack, channel: "#ops-alerts"}
      notifications:
        route:
          receiver: ops-slack
          groupBy: ["..."]
          groupWait: 0s
          groupInterval: 1s
          repeatInterval: 1h
      """;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern METRICS = Pattern.compile("Metrics\\s+(http://\\S+/metrics)");

  @TempDir Path dir;

  private String bootstrap;
  private Topics topics;
  private FakeSlack slack;
  private Process up;
  private KafkaProducer<String, byte[]> producer;

  @BeforeEach
  void setUp(EmbeddedBroker broker) throws Exception {
    bootstrap = broker.bootstrapServers();
    topics = new Topics("pause" + UUID.randomUUID().toString().substring(0, 8) + ".");
    slack = FakeSlack.start();
    Files.writeString(Files.createDirectories(dir.resolve("rules")).resolve("cpu.yaml"), RULES);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (up != null) {
      if (up.isAlive()) {
        signal("-CONT"); // never leave a stopped process behind
      }
      ChildTidewatch.stop(up);
    }
    producer.close();
    slack.close();
  }

  @Test
  void shouldNotifyEachTransitionExactlyOnceWhenTheProcessWasPausedPastTheSessionTimeout(
      EmbeddedBroker broker) throws Exception {
    up = startUp("6s");
    assertThat(up.isAlive()).as("tidewatch up is running; see up.log").isTrue();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    AlarmStateChange before = firing("a", at);
    publish(before);
    awaitPosts("a", 1);

    signal("-STOP");
    AlarmStateChange during = firing("b", at.plusSeconds(1));
    publish(during);
    String group = topics.prefix() + "actions.slack";
    try (Admin admin = Admin.create(broker.clientConfig())) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .alias("the broker expires the frozen lane's membership")
          .until(() -> members(admin, group) == 0);
    }
    signal("-CONT");

    awaitPosts("b", 1);
    AlarmStateChange after = firing("c", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    publish(after);
    awaitPosts("c", 1);
    await().atMost(WAIT).until(() -> sent(ActionKeys.of(after.id(), "ops-slack")));

    assertThat(posts("a")).as("posted before the pause: not again").isEqualTo(1);
    assertThat(posts("b")).as("arrived during the pause: once").isEqualTo(1);
    assertThat(posts("c")).as("arrived after the pause: once").isEqualTo(1);
    assertThat(up.isAlive()).isTrue();
    String metrics = scrape();
    assertThat(metrics).contains("tidewatch_action_lane_up{lane=\"slack\"} 1.0");
    assertThat(Files.readString(dir.resolve("up.log"))).doesNotContain("stopped for good");
  }

  /**
   * The unrecoverable end: the broker refuses the lanes' session timeout (below its {@code
   * group.min.session.timeout.ms} of 6 s), so no lane can ever join. {@code up} must not run on
   * half alive: it names the lane and the cause, raises the lane signal and exits non-zero.
   */
  @Test
  void shouldExitNonZeroAndRaiseTheLaneSignalWhenALaneCannotRecover() throws Exception {
    up = startUp("1s");
    assertThat(up.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("up exits").isTrue();
    assertThat(up.exitValue()).isEqualTo(1);
    String log = Files.readString(dir.resolve("up.log"));
    assertThat(log)
        .containsPattern("tidewatch up: the action lane \\S+ stopped for good")
        .contains("InvalidSessionTimeoutException")
        .contains("tidewatch up: stopping (exit 1)");
    assertThat(
            TopicReader.readAll(bootstrap, topics.alarmEvents().name()).stream()
                .map(r -> topics.alarmEvents().codec().decode(r))
                .filter(event -> event.alarmInstance().startsWith("tidewatch-action-failed{lane="))
                .map(event -> event.detail().state().value()))
        .as("the lane signal is raised")
        .contains(AlarmState.ALARM);
  }

  private Process startUp(String actionSessionTimeout) throws Exception {
    List<String> args =
        ChildTidewatch.upAgainst(
            bootstrap, topics.prefix(), dir.resolve("data"), dir.resolve("rules"));
    args.addAll(List.of("--action-session-timeout", actionSessionTimeout));
    Path log = dir.resolve("up.log");
    Process process =
        ChildTidewatch.start(
            log,
            "512m",
            Map.of("SLACK_BOT_TOKEN", TOKEN, "TIDEWATCH_SLACK_API_URL", slack.apiUrl()),
            args);
    await()
        .atMost(WAIT)
        .until(() -> !process.isAlive() || Files.readString(log).contains("Tidewatch is up"));
    return process;
  }

  private void signal(String signal) throws Exception {
    ChildTidewatch.signal(up, signal);
  }

  private static AlarmStateChange firing(String host, Instant at) {
    return WorkerTestBed.event(ALARM, Map.of("host", host), AlarmState.ALARM, AlarmState.OK, at);
  }

  /** As the alarm processor emits it: keyed by the alarm instance. */
  private void publish(AlarmStateChange event) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topics.alarmEvents().name(),
                event.alarmInstance(),
                topics.alarmEvents().codec().encode(event)))
        .get(30, TimeUnit.SECONDS);
  }

  private static int members(Admin admin, String group) throws Exception {
    ConsumerGroupDescription description =
        admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
    return description.members().size();
  }

  private void awaitPosts(String host, int count) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .alias(count + " message(s) for host " + host)
        .until(() -> posts(host) >= count);
  }

  /** Channel messages (not thread replies) about the alarm on {@code host}. */
  private long posts(String host) {
    return slack.requests("chat.postMessage").stream()
        .filter(r -> r.ok() && r.param("thread_ts") == null)
        .filter(r -> r.param("text") != null && r.param("text").contains("{host=" + host + "}"))
        .count();
  }

  private boolean sent(String actionKey) {
    return TopicReader.readAll(bootstrap, topics.actions().name()).stream()
        .map(r -> topics.actions().codec().decode(r))
        .filter(r -> r.actionKey().equals(actionKey))
        .anyMatch(r -> r.phase() == ActionRecord.Phase.SUCCEEDED);
  }

  private String scrape() throws Exception {
    Matcher matcher = METRICS.matcher(Files.readString(dir.resolve("up.log")));
    assertThat(matcher.find()).as("the banner names /metrics").isTrue();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(matcher.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
