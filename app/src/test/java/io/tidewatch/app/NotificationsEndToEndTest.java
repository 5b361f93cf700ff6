package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.actions.slack.FakeSlack;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import io.tidewatch.testkit.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import picocli.CommandLine;

/**
 * Notifications as a user meets them: {@code tidewatch up} (a child JVM with {@code
 * SLACK_BOT_TOKEN} and {@code TIDEWATCH_SLACK_API_URL} in its environment, as in production) runs
 * the alarm processor and the action workers against a local server speaking the Slack Web API;
 * metrics go in on {@code tw.metrics}, the rules (with a {@code notifications:} section) are
 * applied by {@code up --rules}, silences are made with {@code tidewatch silence add}, and what
 * happened is read from Slack's requests and the ledger topic.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class NotificationsEndToEndTest {

  private static final String TOKEN = "xoxb-0000-e2e-test-token";
  private static final String POST = "chat.postMessage";
  private static final String UPDATE = "chat.update";
  private static final String RULES =
      """
      alarms:
        - name: e2e-cpu
          description: CPU above 50 in one 10-second period
          metric: {namespace: e2e, name: cpu, dimensions: {service: web}}
          groupBy: [host]
          statistic: Maximum
          period: 10s
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 50
          treatMissingData: notBreaching
          actions: {alarm: [ops-slack], ok: [ops-slack]}
          labels: {team: web, severity: page}
      actions:
        ops-slack: {type: slack, channel: "#ops-alerts"}
      notifications:
        route:
          receiver: ops-slack
          groupBy: ["..."]
          groupWait: 0s
          groupInterval: 1s
          repeatInterval: 6s
          routes:
            - matchers: ['team="web"']
              receiver: web-slack
        receivers:
          web-slack: {type: slack, channel: "#web-alerts"}
      """;

  @TempDir Path dir;

  private String bootstrap;
  private Topics topics;
  private String prefix;
  private FakeSlack slack;
  private Process up;
  private KafkaProducer<String, MetricPoint> producer;
  private final Map<String, Double> values = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void setUp(EmbeddedBroker broker) throws Exception {
    bootstrap = broker.bootstrapServers();
    prefix = "e2e" + UUID.randomUUID().toString().substring(0, 8) + ".";
    topics = new Topics(prefix);
    slack = FakeSlack.start();
    Files.writeString(Files.createDirectories(dir.resolve("rules")).resolve("cpu.yaml"), RULES);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer());
  }

  @AfterEach
  void tearDown() throws Exception {
    sender.shutdownNow();
    if (up != null) {
      ChildTidewatch.stop(up);
    }
    producer.close();
    slack.close();
  }

  @Test
  void shouldRouteNotifyRepeatUpdateOnResolveSkipDuplicatesAndHonourCliSilences() throws Exception {
    up = startUp(false);
    startSending();

    // 1. a firing alarm: one message, in the channel its labels route to
    values.put("a", 90.0);
    FakeSlack.Request first = awaitAtLeast(() -> roots("ALARM e2e-cpu{host=a}"), 1).get(0);
    assertThat(first.param("channel")).isEqualTo("#web-alerts");
    assertThat(first.authorization()).isEqualTo("Bearer " + TOKEN);
    String thread = first.answeredTs();

    // 2. still firing after repeatInterval: the repeat goes into the thread, not the channel
    awaitAtLeast(() -> replies(thread), 1);
    assertThat(roots("e2e-cpu{host=a}")).hasSize(1);

    // 3. the same event delivered twice: recorded as a duplicate, no second message
    ConsumerRecord<String, byte[]> firing = alarmEvent("host=a", AlarmState.ALARM);
    try (KafkaProducer<String, byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(topics.alarmEvents().name(), firing.key(), firing.value()))
          .get();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                ledger().stream().anyMatch(r -> r.phase() == ActionRecord.Phase.DUPLICATE_SKIPPED));
    assertThat(roots("e2e-cpu{host=a}")).hasSize(1);

    // 4. a silence made with the CLI mutes host b's firing notification ...
    assertThat(
            cli(
                "silence",
                "add",
                "alarmName=\"e2e-cpu\"",
                "host=\"b\"",
                "--duration",
                "1h",
                "--comment",
                "e2e maintenance",
                "--bootstrap-servers",
                bootstrap,
                "--topic-prefix",
                prefix))
        .isZero();
    Thread.sleep(2000); // the workers follow the silences topic
    values.put("b", 95.0);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                ledger().stream()
                    .anyMatch(
                        r ->
                            r.alarmInstance().contains("host=b")
                                && "muted".equals(r.detail().get("outcome"))));
    assertThat(roots("e2e-cpu{host=b}")).as("silenced: nothing posted").isEmpty();

    // 5. ... and both resolve: a's message is updated and answered in its thread; b's resolve is
    //    delivered although its firing was muted and the silence is still on
    values.put("a", 10.0);
    values.put("b", 10.0);
    awaitAtLeast(
        () -> slack.requests(UPDATE).stream().filter(u -> u.param("ts").equals(thread)).toList(),
        1);
    awaitAtLeast(
        () -> replies(thread).stream().filter(r -> text(r).startsWith("✅ Resolved")).toList(), 1);
    FakeSlack.Request resolvedB = awaitAtLeast(() -> roots("RESOLVED e2e-cpu{host=b}"), 1).get(0);
    assertThat(resolvedB.param("channel")).isEqualTo("#web-alerts");
    assertThat(roots("ALARM e2e-cpu"))
        .as("one firing message in the channel, for host a")
        .hasSize(1);
    assertThat(String.join("\n", Files.readAllLines(dir.resolve("up.log"))))
        .as("the token never reaches the logs")
        .doesNotContain(TOKEN);
  }

  @Test
  void shouldMakeNoSlackCallInDryRunAndShowThePlanInTheLedger() throws Exception {
    up = startUp(true);
    startSending();
    values.put("c", 99.0);

    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                ledger().stream()
                    .anyMatch(
                        r ->
                            r.phase() == ActionRecord.Phase.DRY_RUN
                                && r.alarmInstance().contains("host=c")));
    ActionRecord plan =
        ledger().stream()
            .filter(r -> r.phase() == ActionRecord.Phase.DRY_RUN)
            .findFirst()
            .orElseThrow();
    assertThat(plan.detail()).containsEntry("channel", "#web-alerts");
    assertThat(plan.detail().get("plan")).isNotBlank();
    Thread.sleep(2000);
    assertThat(slack.requests()).as("a dry run makes no Slack call").isEmpty();
  }

  // --- the parts ---------------------------------------------------------------------------------

  private Process startUp(boolean dryRun) throws Exception {
    List<String> args =
        ChildTidewatch.upAgainst(bootstrap, prefix, dir.resolve("data"), dir.resolve("rules"));
    if (dryRun) {
      args.add("--dry-run");
    }
    Path log = dir.resolve("up.log");
    Process process =
        ChildTidewatch.start(
            log,
            "512m",
            Map.of("SLACK_BOT_TOKEN", TOKEN, "TIDEWATCH_SLACK_API_URL", slack.apiUrl()),
            args);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> !process.isAlive() || Files.readString(log).contains("Tidewatch is up"));
    assertThat(process.isAlive()).as("tidewatch up is running; see %s", log).isTrue();
    return process;
  }

  /** Every 500 ms, one point per host at its current value. */
  private void startSending() {
    sender.scheduleAtFixedRate(
        () ->
            values.forEach(
                (host, value) -> {
                  SeriesId series =
                      SeriesId.of("e2e", "cpu", Map.of("service", "web", "host", host));
                  producer.send(
                      new ProducerRecord<>(
                          topics.metrics().name(),
                          series.key(),
                          new MetricPoint(series, Instant.now(), value, "%")));
                }),
        0,
        500,
        TimeUnit.MILLISECONDS);
  }

  private int cli(String... args) {
    CommandLine command = Tidewatch.commandLine();
    command.setOut(new PrintWriter(new StringWriter(), true));
    command.setErr(new PrintWriter(new StringWriter(), true));
    return command.execute(args);
  }

  /** Channel messages (not thread replies) whose text contains {@code text}. */
  private List<FakeSlack.Request> roots(String text) {
    return slack.requests(POST).stream()
        .filter(r -> r.param("thread_ts") == null && text(r).contains(text))
        .toList();
  }

  private List<FakeSlack.Request> replies(String thread) {
    return slack.requests(POST).stream().filter(r -> thread.equals(r.param("thread_ts"))).toList();
  }

  private static String text(FakeSlack.Request request) {
    return request.param("text") == null ? "" : request.param("text");
  }

  private static <T> List<T> awaitAtLeast(
      java.util.concurrent.Callable<List<T>> what, int atLeast) {
    return await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(what, found -> found.size() >= atLeast);
  }

  private KafkaProducer<String, byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private ConsumerRecord<String, byte[]> alarmEvent(String instance, AlarmState state) {
    for (ConsumerRecord<String, byte[]> record : readAll(topics.alarmEvents().name())) {
      AlarmStateChange event =
          topics.alarmEvents().codec().deserializer().deserialize(record.topic(), record.value());
      if (event.alarmInstance().contains(instance) && event.detail().state().value() == state) {
        return record;
      }
    }
    throw new AssertionError("no " + state + " event for " + instance);
  }

  private List<ActionRecord> ledger() {
    return readAll(topics.actions().name()).stream()
        .map(r -> topics.actions().codec().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    return TopicReader.readAll(bootstrap, topic);
  }
}
