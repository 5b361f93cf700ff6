package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidewatch agent} as a user runs it. */
@ExtendWith(EmbeddedKafkaExtension.class)
class AgentCommandTest {

  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Tidewatch.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

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
    Run run = run("agent", "--config", config.toString());
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
    Run run = run("agent", "--config", config.toString(), "--run-for", "3500ms");
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
    Run run = run("agent", "--config", config.toString(), "--run-for", "3500ms");
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
}
