package io.tidewatch.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker, {@code promtool} from the Debian package {@code prometheus}
 * (QUALITY.md: {@code promtool check metrics} on our {@code /metrics}). A missing promtool is a
 * failure that names the package to install, never a skip.
 */
public final class Promtool {

  /**
   * What {@code promtool check metrics} made of an exposition.
   *
   * @param exitCode 0 when the text parses and passes the lint rules
   * @param output what promtool printed (problems, one a line)
   */
  public record Result(int exitCode, String output) {}

  private Promtool() {}

  /** Runs {@code promtool check metrics} with {@code exposition} on its standard input. */
  public static Result checkMetrics(String exposition) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(executable().toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool check metrics did not finish within 30 s");
    }
    return new Result(process.exitValue(), output);
  }

  /** {@code promtool} on the {@code PATH}. */
  static Path executable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "promtool is not on the PATH: install the Debian package prometheus"
            + " (apt-get install -y prometheus; .ci/run does it)");
  }
}
