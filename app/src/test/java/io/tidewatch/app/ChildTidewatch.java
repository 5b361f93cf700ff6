package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tidewatch} command in a JVM of its own, on the test's class path, for the tests that
 * kill, pause or restart it as an operator's process would be (RELIABILITY.md's method: faults go
 * to the child's PID only). Its stdout and stderr are appended to a log file the test reads.
 */
final class ChildTidewatch {

  private ChildTidewatch() {}

  /**
   * Starts {@code tidewatch ARGS...}.
   *
   * @param heap the child's {@code -Xmx}, e.g. {@code 512m}
   * @param env variables added to the child's environment
   */
  static Process start(Path log, String heap, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Tidewatch.class.getName());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * The arguments of {@code tidewatch up} against an existing cluster, every port of its own a free
   * one so that tests never clash over 4317, 4318 or 9464.
   */
  static List<String> upAgainst(String bootstrap, String prefix, Path dataDir, Path rules) {
    return new ArrayList<>(
        List.of(
            "up",
            "--bootstrap-servers",
            bootstrap,
            "--topic-prefix",
            prefix,
            "--otlp-port",
            "0",
            "--otlp-grpc-port",
            "0",
            "--metrics-port",
            "0",
            "--data-dir",
            dataDir.toString(),
            "--rules",
            rules.toString()));
  }

  /** Sends a signal with kill(1): the JDK cannot send SIGSTOP or SIGCONT itself. */
  static void signal(Process process, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill %s %d", signal, process.pid()).isZero();
  }

  /** Stops the child as a supervisor would: SIGTERM, then SIGKILL after 30 s. */
  static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
