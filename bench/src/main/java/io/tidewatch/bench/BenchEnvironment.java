package io.tidewatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/** What a result line needs besides the number: which machine, which JVM, when. */
final class BenchEnvironment {

  private BenchEnvironment() {}

  static String describe() {
    return "date "
        + Instant.now()
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores ("
        + cpuModel()
        + "), "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024)
        + " MiB heap, Java "
        + System.getProperty("java.version");
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
