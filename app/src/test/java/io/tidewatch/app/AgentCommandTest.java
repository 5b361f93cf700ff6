package io.tidewatch.app;

import static io.tidewatch.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidewatch agent} as a user runs it. */
@ExtendWith(EmbeddedKafkaExtension.class)
class AgentCommandTest {

  @TempDir Path dir;

  @Test
  void shouldPrintEveryConfigurationProblemWithItsPositionAndExitTwo() throws Exception {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        interval: soon
        kafka: {bootstrapServers: 127.0.0.1:9092}
        spool: {dir: /tmp/spool, maxBytes: 1KiB}
        logs:
          - paths: [/var/log/a.log]
            format: nginx
        """);
    CliRun run = run("agent", "--config", config.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(config + ":1:11: expected a duration")
        .contains(config + ":3:36: expected a size of at least 64KiB")
        .contains(config + ":5:5: logs: logGroup is required");
  }

  @Test
  void shouldPrintAStatusLinePerIntervalWhileRunning(EmbeddedBroker broker) throws Exception {
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(new Topics("agentcli.").specs());
    }
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        interval: 1s
        host: cli-host
        kafka: {bootstrapServers: "%s", topicPrefix: agentcli.}
        spool: {dir: "%s"}
        hostMetrics: false
        """
            .formatted(broker.bootstrapServers(), dir.resolve("spool")));
    CliRun run = run("agent", "--config", config.toString(), "--run-for", "3500ms");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("tidewatch agent on cli-host: metrics every 1 s, 0 log file set(s)")
        .containsPattern("agent cli-host: shipped \\d+, spooled 0 \\(spool 0 bytes\\), lost 0");
    assertThat(run.out().lines().filter(line -> line.contains(" agent cli-host: ")).count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void shouldShipToAnOtlpEndpointAndSayWhenItIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        interval: 1s
        host: otlp-cli-host
        otlp: {endpoint: "http://127.0.0.1:%d", headers: {Authorization: "Bearer s3cret"}}
        spool: {dir: "%s"}
        hostMetrics: false
        """
            .formatted(port, dir.resolve("spool")));
    CliRun run = run("agent", "--config", config.toString(), "--run-for", "3500ms");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "tidewatch agent on otlp-cli-host: metrics every 1 s, 0 log file set(s), OTLP"
                + " http://127.0.0.1:"
                + port
                + ", spool")
        .containsPattern("agent otlp-cli-host: shipped 0, spooled [1-9]\\d*")
        .contains("otlp unreachable, spooling")
        .doesNotContain("s3cret");
    assertThat(run.err()).doesNotContain("s3cret");
  }

  @Test
  void shouldServeDiscardedLinesByReasonOnMetricsPortWhileRunning(EmbeddedBroker broker)
      throws Exception {
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(new Topics("agentmeters.").specs());
    }
    Path log = dir.resolve("access.log");
    Files.writeString(
        log,
        "203.0.113.7 - - [22/Nov/2026:07:30:00 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"curl\"\n"
            + "\u0000binary\n");
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        interval: 1s
        host: meters-host
        kafka: {bootstrapServers: "%s", topicPrefix: agentmeters.}
        spool: {dir: "%s"}
        hostMetrics: false
        logs:
          - paths: ["%s"]
            format: nginx
            logGroup: /nginx/access
            startAt: beginning
        """
            .formatted(broker.bootstrapServers(), dir.resolve("spool"), log));
    StringWriter out = new StringWriter();
    CommandLine command = Tidewatch.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(new StringWriter(), true));
    AtomicInteger exitCode = new AtomicInteger(-1);
    Thread agent =
        new Thread(
            () ->
                exitCode.set(
                    command.execute(
                        "agent",
                        "--config",
                        config.toString(),
                        "--metrics-port",
                        "0",
                        "--run-for",
                        "5s")));
    agent.start();
    try {
      Pattern served = Pattern.compile("metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");
      URI metrics =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> served.matcher(out.toString()).results().findFirst(), Optional::isPresent)
              .map(match -> URI.create(match.group(1)))
              .orElseThrow();
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(6))
          .untilAsserted(
              () ->
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(metrics).build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .body())
                      .contains("tidewatch_discarded_total{reason=\"nul\",source=\"agent\"} 1.0\n")
                      .contains("tidewatch_ingested_total{source=\"agent\"} 1.0\n"));
    } finally {
      agent.join(20_000);
    }
    assertThat(exitCode.get()).isZero();
  }
}
