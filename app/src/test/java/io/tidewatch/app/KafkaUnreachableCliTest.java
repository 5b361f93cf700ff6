package io.tidewatch.app;

import static io.tidewatch.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Kafka client command without a Kafka to talk to: one message naming the address and exit
 * code 2, well before the Kafka clients' own timeouts (which made {@code silence list} wait 61 s).
 */
class KafkaUnreachableCliTest {

  /** Far above the few seconds the check takes, far below the clients' 30 to 60 s defaults. */
  private static final Duration WELL_WITHIN_KAFKA_TIMEOUTS = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static String closedPort;

  @BeforeAll
  static void prepare() throws IOException {
    // A loopback port that was just free: nothing listens on it, so connecting is refused.
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = "127.0.0.1:" + socket.getLocalPort();
    }
    Path rules = Files.createDirectories(dir.resolve("rules"));
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
    Files.writeString(dir.resolve("a.log"), "one line\n");
  }

  static Stream<Arguments> commands() {
    String rules = dir.resolve("rules").toString();
    String log = dir.resolve("a.log").toString();
    return Stream.of(
            List.of("tail", "metrics"),
            List.of("rules", "apply", rules),
            List.of("rules", "backtest", rules),
            List.of("silence", "list"),
            List.of("silence", "add", "team=web"),
            List.of("silence", "expire", "no-such-id"),
            List.of("logs", "import", log, "--log-group", "g", "--format", "raw", "--quiet"),
            List.of(
                "ingest",
                "--files",
                log,
                "--format",
                "raw",
                "--log-group",
                "g",
                "--standalone",
                "--offsets-file",
                dir.resolve("ingest.offsets").toString(),
                "--metrics-port",
                "0"))
        .map(Arguments::of);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldNameTheAddressAndExitTwoWhenNothingListensThere(List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--bootstrap-servers", closedPort));

    CliRun run = assertTimeoutPreemptively(WELL_WITHIN_KAFKA_TIMEOUTS, () -> run(args));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith("tidewatch: cannot reach Kafka at " + closedPort + " (")
        .doesNotContain("\n");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldNameTheAddressAndExitTwoWhenTheAddressIsGarbage(List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--bootstrap-servers", "not an address"));

    CliRun run = assertTimeoutPreemptively(WELL_WITHIN_KAFKA_TIMEOUTS, () -> run(args));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith("tidewatch: cannot use Kafka address 'not an address' (--bootstrap-servers")
        .doesNotContain("Failed to construct");
  }
}
