package io.tidewatch.app;

import static io.tidewatch.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.actions.policy.SilenceTopic;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.RuleDocument;
import io.tidewatch.streams.rules.RulesTopic;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tidewatch} command as a user runs it: arguments in, output and exit code out. */
@ExtendWith(EmbeddedKafkaExtension.class)
class CliTest {

  private static final String PREFIX = "clitest.";
  private static final Topics TOPICS = new Topics(PREFIX);

  private static String bootstrap;

  @TempDir Path dir;

  @BeforeAll
  static void createTopics(EmbeddedBroker broker) throws Exception {
    bootstrap = broker.bootstrapServers();
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
      // as tidewatch up's action worker does: the silence commands only use it
      SilenceTopic.of(TOPICS).ensure(admin);
    }
  }

  @Test
  void shouldPrintMetricPointsAsJsonLinesWhenTailingFromTheBeginning() {
    SeriesId series = SeriesId.of("checkout", "http.requests", Map.of("host.name", "web-1"));
    try (KafkaProducer<String, MetricPoint> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(
            new ProducerRecord<>(
                TOPICS.metrics().name(),
                series.key(),
                new MetricPoint(
                    series, Instant.parse("2026-11-22T04:00:00Z").plusSeconds(i), i, "1")));
      }
    }

    CliRun run =
        run(
            "tail",
            "metrics",
            "--from-beginning",
            "--max",
            "3",
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines())
        .hasSize(3)
        .allSatisfy(
            line ->
                assertThat(line)
                    .startsWith("{\"topic\":\"clitest.metrics\"")
                    .contains("\"key\":\"checkout/http.requests{host.name=web-1}\"")
                    .contains("\"series\":{\"namespace\":\"checkout\",\"name\":\"http.requests\""));
    assertThat(run.out()).contains("\"timestamp\":\"2026-11-22T04:00:02Z\",\"value\":2.0");
  }

  @Test
  void shouldShowMalformedRecordsWithTheirOffsetInsteadOfFailing() {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.alarmEvents().name(), "x", "{not json".getBytes()));
    }
    CliRun run =
        run(
            "tail",
            PREFIX + "alarm-events",
            "--from-beginning",
            "--idle-exit",
            "2s",
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("\"error\":\"malformed record on clitest.alarm-events-");
  }

  @Test
  void shouldRefuseAnUnknownTopicWithTheListOfKnownOnes() {
    CliRun run = run("tail", "nosuch", "--bootstrap-servers", bootstrap);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'nosuch' is not a Tidewatch topic").contains("tw.metrics");
  }

  @Test
  void shouldExitWithUsageErrorWhenTheKafkaPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRun run =
          run(
              "up",
              "--metrics-port",
              "0",
              "--kafka-port",
              String.valueOf(taken.getLocalPort()),
              "--data-dir",
              dir.toString());
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
          .contains("--kafka-port 0");
    }
  }

  @Test
  void shouldExitWithUsageErrorNamingTheOptionWhenTheMetricsPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRun up =
          run(
              "up",
              "--metrics-port",
              String.valueOf(taken.getLocalPort()),
              "--data-dir",
              dir.toString());
      CliRun ingest =
          run(
              "ingest",
              "--bootstrap-servers",
              bootstrap,
              "--topic-prefix",
              PREFIX,
              "--files",
              dir + "/*.log",
              "--format",
              "nginx",
              "--log-group",
              "/nginx/access",
              "--metrics-port",
              String.valueOf(taken.getLocalPort()));

      for (CliRun run : List.of(up, ingest)) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err())
            .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use (metrics)")
            .contains("--metrics-port 0");
      }
    }
  }

  @Test
  void shouldExitWithUsageErrorWhenOtlpReceiverLimitsAreOutOfRange() {
    CliRun run =
        run(
            "up",
            "--otlp-body-timeout",
            "0s",
            "--otlp-max-connections",
            "0",
            "--data-dir",
            dir.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("bodyTimeout: a positive duration. Found: PT0S")
        .contains("maxConnections: 1..4096. Found: 0")
        .contains("--otlp-max-connections");
  }

  @Test
  void shouldExitWithUsageErrorNamingTheOptionWhenTheOtlpGrpcPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRun run =
          run(
              "up",
              "--metrics-port",
              "0",
              "--kafka-port",
              "0",
              "--otlp-port",
              "0",
              "--otlp-grpc-port",
              String.valueOf(taken.getLocalPort()),
              "--data-dir",
              dir.toString());
      assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
      assertThat(run.err())
          .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use (OTLP/gRPC)")
          .contains("--otlp-grpc-port 0");
    }
  }

  @Test
  void shouldPrintEveryErrorWithPositionAndExitOneWhenRuleFilesAreBad() throws Exception {
    Files.writeString(
        dir.resolve("web.yaml"),
        """
        alarms:
          - name: web-cpu-high
            metric: {namespace: Host, name: cpu}
            statistic: avgg
            period: 1m
            evaluationPeriods: 3
            datapointsToAlarm: 5
            comparison: GreaterThanThreshold
            threshold: 70
        """);
    CliRun run = run("rules", "check", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("web.yaml:4:16: error[R2003]: unknown statistic 'avgg' (did you mean 'Average'?)")
        .contains("    4 |     statistic: avgg")
        .contains("      |                ^^^^")
        .contains("web.yaml:7:24: error[")
        .contains("2 errors");
  }

  @Test
  void shouldCheckTheNotificationsSectionWithPositions() throws Exception {
    Files.writeString(
        dir.resolve("notify.yaml"),
        """
        actions:
          ops-slack: {type: slack, channel: "#ops"}
        notifications:
          route:
            receiver: ops-slack
            repeatInterval: often
            routes:
              - matchers: ['team']
        """);
    CliRun run = run("rules", "check", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("notify.yaml:6:21: error[R2003]: a duration like")
        .contains("    6 |     repeatInterval: often")
        .contains("notify.yaml:8:20: error[R2003]:")
        .contains("2 errors");

    Files.writeString(
        dir.resolve("notify.yaml"),
        """
        actions:
          ops-slack: {type: slack, channel: "#ops"}
        notifications:
          route:
            receiver: ops-slack
            repeatInterval: 1h
            routes:
              - matchers: ['team="web"']
        """);
    assertThat(run("rules", "check", dir.toString()).exitCode()).isZero();
  }

  @Test
  void shouldListTheTransitionsAChangedThresholdWouldHaveProducedWhenBacktesting(
      EmbeddedBroker broker) throws Exception {
    Topics topics = new Topics("backtest.");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    String rule =
        """
        alarms:
          - name: cpu-high
            metric: {namespace: Host, name: cpu}
            groupBy: [host]
            statistic: Average
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: %d
        """;
    Path current = Files.createDirectory(dir.resolve("current"));
    Files.writeString(current.resolve("cpu.yaml"), rule.formatted(70));
    Path candidate = Files.createDirectory(dir.resolve("candidate"));
    Files.writeString(candidate.resolve("cpu.yaml"), rule.formatted(50));
    CliRun applied =
        run(
            "rules",
            "apply",
            current.toString(),
            "--topic-prefix",
            "backtest.",
            "--bootstrap-servers",
            bootstrap);
    assertThat(applied.exitCode()).as(applied.err()).isZero();

    // An hour of recorded data, one point a minute: 90 for 5 minutes in every 20, else 60.
    SeriesId series = SeriesId.of("Host", "cpu", Map.of("host", "a"));
    long hourAgo = (System.currentTimeMillis() / 60_000 - 62) * 60_000;
    try (KafkaProducer<String, MetricPoint> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer())) {
      for (int minute = 0; minute < 60; minute++) {
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(),
                series.key(),
                new MetricPoint(
                    series,
                    Instant.ofEpochMilli(hourAgo + minute * 60_000L + 5_000),
                    minute % 20 < 5 ? 90 : 60,
                    "%")));
      }
    }

    CliRun text =
        run(
            "rules",
            "backtest",
            candidate.toString(),
            "--since",
            "2h",
            "--topic-prefix",
            "backtest.",
            "--bootstrap-servers",
            bootstrap);
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("replayed 60 datapoints")
        .contains("cpu-high{host=a}: would have alarmed once; current rules: 3 times")
        .contains("INSUFFICIENT_DATA -> ALARM");

    CliRun json =
        run(
            "rules",
            "backtest",
            candidate.toString(),
            "--output",
            "json",
            "--topic-prefix",
            "backtest.",
            "--bootstrap-servers",
            bootstrap);
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertThat(tree.path("datapoints").asLong()).isEqualTo(60);
    var instance = tree.path("instances").get(0);
    assertThat(instance.path("instance").asText()).isEqualTo("cpu-high{host=a}");
    assertThat(instance.path("candidateAlarms").asLong()).isEqualTo(1);
    assertThat(instance.path("currentAlarms").asLong()).isEqualTo(3);
    assertThat(instance.path("current").get(0).path("to").asText()).isEqualTo("ALARM");
  }

  @Test
  void shouldBacktestAnAlarmWithoutGroupByFromTheStartOfTheReplayWhenItsMetricNeverReported(
      EmbeddedBroker broker) throws Exception {
    Topics topics = new Topics("backtestlife.");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    String rule =
        """
        alarms:
          - name: nightly-heartbeat
            metric: {namespace: Jobs, name: nightly_run}
            statistic: SampleCount
            period: 1m
            evaluationPeriods: 1
            comparison: LessThanThreshold
            threshold: 1
            treatMissingData: %s
        """;
    Path current = Files.createDirectory(dir.resolve("life-current"));
    Files.writeString(current.resolve("job.yaml"), rule.formatted("missing"));
    Path candidate = Files.createDirectory(dir.resolve("life-candidate"));
    Files.writeString(candidate.resolve("job.yaml"), rule.formatted("breaching"));
    CliRun applied =
        run(
            "rules",
            "apply",
            current.toString(),
            "--topic-prefix",
            "backtestlife.",
            "--bootstrap-servers",
            bootstrap);
    assertThat(applied.exitCode()).as(applied.err()).isZero();

    CliRun text =
        run(
            "rules",
            "backtest",
            candidate.toString(),
            "--since",
            "5m",
            "--topic-prefix",
            "backtestlife.",
            "--bootstrap-servers",
            bootstrap);

    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("replayed 0 datapoints")
        .contains("nightly-heartbeat: would have alarmed once; current rules: never")
        .contains("INSUFFICIENT_DATA -> ALARM");
  }

  @Test
  void shouldBacktestAMetricMathAlarmFromItsTwoMetrics(EmbeddedBroker broker) throws Exception {
    Topics topics = new Topics("backtestmath.");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    String rule =
        """
        alarms:
          - name: web-5xx-ratio
            metrics:
              e: {metric: {namespace: Web, name: http_5xx}, statistic: Sum}
              r: {metric: {namespace: Web, name: http_requests}, statistic: Sum}
            expression: 100 * e / r
            groupBy: [host]
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: %d
        """;
    Path current = Files.createDirectory(dir.resolve("math-current"));
    Files.writeString(current.resolve("web.yaml"), rule.formatted(10));
    Path candidate = Files.createDirectory(dir.resolve("math-candidate"));
    Files.writeString(candidate.resolve("web.yaml"), rule.formatted(5));
    assertThat(
            run(
                    "rules",
                    "apply",
                    current.toString(),
                    "--topic-prefix",
                    "backtestmath.",
                    "--bootstrap-servers",
                    bootstrap)
                .exitCode())
        .isZero();

    // An hour: 100 requests a minute, 8 of them errors for 5 minutes in every 20, else 1.
    SeriesId requests = SeriesId.of("Web", "http_requests", Map.of("host", "a"));
    SeriesId errors = SeriesId.of("Web", "http_5xx", Map.of("host", "a"));
    long hourAgo = (System.currentTimeMillis() / 60_000 - 62) * 60_000;
    try (KafkaProducer<String, MetricPoint> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            Codecs.METRIC_POINT.serializer())) {
      for (int minute = 0; minute < 60; minute++) {
        long t = hourAgo + minute * 60_000L;
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(),
                requests.key(),
                new MetricPoint(requests, Instant.ofEpochMilli(t + 5_000), 100, "1")));
        producer.send(
            new ProducerRecord<>(
                topics.metrics().name(),
                errors.key(),
                new MetricPoint(
                    errors, Instant.ofEpochMilli(t + 6_000), minute % 20 < 5 ? 8 : 1, "1")));
      }
    }

    CliRun text =
        run(
            "rules",
            "backtest",
            candidate.toString(),
            "--since",
            "2h",
            "--topic-prefix",
            "backtestmath.",
            "--bootstrap-servers",
            bootstrap);
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("replayed 120 datapoints")
        .contains("web-5xx-ratio{host=a}: would have alarmed 3 times; current rules: never");
  }

  @Test
  void shouldAddListAndExpireSilencesFromTheCommandLine() {
    CliRun added =
        run(
            "silence",
            "add",
            "team=web",
            "alarmName=~web-.*",
            "--duration",
            "2h",
            "--author",
            "ana",
            "--comment",
            "deploy",
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);
    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(added.out()).contains("ACTIVE").contains("by ana: deploy");
    String id = added.out().strip().split("\\s+")[0];

    CliRun listed =
        run("silence", "list", "--topic-prefix", PREFIX, "--bootstrap-servers", bootstrap);
    assertThat(listed.out()).contains(id + "  ACTIVE");

    CliRun expired =
        run("silence", "expire", id, "--topic-prefix", PREFIX, "--bootstrap-servers", bootstrap);
    assertThat(expired.exitCode()).as(expired.err()).isZero();
    assertThat(
            run("silence", "list", "--topic-prefix", PREFIX, "--bootstrap-servers", bootstrap)
                .out())
        .contains(id + "  EXPIRED");

    CliRun bad =
        run(
            "silence",
            "add",
            "no-operator",
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);
    assertThat(bad.exitCode()).isEqualTo(2);
  }

  @Test
  void shouldPublishAllOrNothingWhenRulesAreApplied() throws Exception {
    Path rules = Files.createDirectory(dir.resolve("rules"));
    Files.writeString(
        rules.resolve("web.yaml"),
        """
        alarms:
          - name: web-cpu-high
            metric: {namespace: Host, name: cpu}
            statistic: Average
            period: 1m
            evaluationPeriods: 3
            comparison: GreaterThanThreshold
            threshold: 70
            actions: {alarm: [ops]}
          - name: web-cpu-low
            metric: {namespace: Host, name: cpu}
            statistic: Minimum
            period: 1m
            evaluationPeriods: 3
            comparison: LessThanThreshold
            threshold: 1
        actions:
          ops: {type: slack, channel: "#ops"}
        """);
    CliRun applied =
        run(
            "rules",
            "apply",
            rules.toString(),
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("3 changed, 0 unchanged, 0 removed");
    RulesTopic topic = new RulesTopic(bootstrap, TOPICS);
    assertThat(topic.readAll().keySet())
        .containsExactlyInAnyOrder("alarm/web-cpu-high", "alarm/web-cpu-low", "action/ops");

    // One alarm removed, one made invalid: nothing at all is applied.
    Files.writeString(
        rules.resolve("web.yaml"),
        Files.readString(rules.resolve("web.yaml"))
            .replace("threshold: 70", "threshold: high")
            .replaceAll("(?s)  - name: web-cpu-low.*?threshold: 1\n", ""));
    CliRun refused =
        run(
            "rules",
            "apply",
            rules.toString(),
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("nothing was applied").contains("threshold");
    assertThat(topic.readAll()).hasSize(3);

    // Fixed: the removed alarm is tombstoned, the unchanged action stays as it was.
    Files.writeString(
        rules.resolve("web.yaml"),
        Files.readString(rules.resolve("web.yaml")).replace("threshold: high", "threshold: 80"));
    CliRun reapplied =
        run(
            "rules",
            "apply",
            rules.toString(),
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);
    assertThat(reapplied.out()).contains("1 changed, 1 unchanged, 1 removed");
    Map<String, RuleDocument> now = topic.readAll();
    assertThat(now.keySet()).containsExactlyInAnyOrder("alarm/web-cpu-high", "action/ops");
    assertThat(now.get("alarm/web-cpu-high").json()).contains("\"threshold\":80");
  }

  @Test
  void shouldNameTheRuleAndItsSizeWhenARuleRecordIsTooLargeToApply() throws Exception {
    Path rules = Files.createDirectory(dir.resolve("large"));
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 70; i++) {
      labels.append("      l").append(i).append(": ").append("x".repeat(16_000)).append('\n');
    }
    Files.writeString(
        rules.resolve("large.yaml"),
        """
        alarms:
          - name: huge-labels
            metric: {namespace: Host, name: cpu}
            statistic: Average
            period: 1m
            evaluationPeriods: 3
            comparison: GreaterThanThreshold
            threshold: 70
            labels:
        """
            + labels);
    RulesTopic topic = new RulesTopic(bootstrap, TOPICS);
    Map<String, RuleDocument> before = topic.readAll();

    CliRun applied =
        run(
            "rules",
            "apply",
            rules.toString(),
            "--topic-prefix",
            PREFIX,
            "--bootstrap-servers",
            bootstrap);

    assertThat(applied.exitCode()).isEqualTo(1);
    assertThat(applied.err())
        .startsWith("tidewatch: rule alarm/huge-labels was not applied: its record is ")
        .contains("bytes, more than Kafka accepts")
        .contains("nothing was applied")
        .doesNotContain("error state");
    assertThat(topic.readAll()).isEqualTo(before);
  }

  @Test
  void shouldCreateNoTopicWhenReadOnlyCommandsFindTheirTopicsMissing(EmbeddedBroker broker)
      throws Exception {
    String prefix = "readonly.";
    Path rules = Files.createDirectory(dir.resolve("readonly-rules"));
    Files.writeString(
        rules.resolve("web.yaml"),
        """
        alarms:
          - name: web-cpu-high
            metric: {namespace: Host, name: cpu}
            statistic: Average
            period: 1m
            evaluationPeriods: 3
            comparison: GreaterThanThreshold
            threshold: 70
        """);
    List<List<String>> commands =
        List.of(
            List.of("silence", "list"),
            List.of("tail", "metrics"),
            List.of("rules", "backtest", rules.toString()));

    for (List<String> command : commands) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(List.of("--topic-prefix", prefix, "--bootstrap-servers", bootstrap));
      CliRun run = run(args.toArray(String[]::new));

      assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(2);
      assertThat(run.err()).contains("must exist on " + bootstrap);
    }
    try (Admin admin = Admin.create(broker.clientConfig())) {
      assertThat(admin.listTopics().names().get()).noneMatch(name -> name.startsWith(prefix));
    }
  }
}
