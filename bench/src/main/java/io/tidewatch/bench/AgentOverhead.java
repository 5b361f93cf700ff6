package io.tidewatch.bench;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.agent.Agent;
import io.tidewatch.ingest.agent.AgentConfigLoader;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Issue benchmark: the agent's overhead at a 10 s interval — CPU as a share of one core and heap —
 * measured on a child JVM that runs only the agent: host metrics every 10 s and one nginx access
 * log followed, to which the parent appends 20 lines a second. CPU is the child's user + system
 * time from {@code /proc/PID/stat} (every thread: GC and JIT included) over the run after a
 * warm-up; heap is the peak of the heap pools reported by the child at the end.
 *
 * <p>Usage: {@code bench/run AgentOverhead [seconds [JVM flags of the agent...]]} (default 120 s
 * measured after a 20 s warm-up, the flags the {@code tidewatch} launcher gives the agent: {@code
 * -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}); e.g. {@code bench/run AgentOverhead 300
 * -Xmx64m} for the JVM's default compilers and collector.
 */
public final class AgentOverhead {

  private static final Duration WARM_UP = Duration.ofSeconds(20);
  private static final DateTimeFormatter NGINX_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private AgentOverhead() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Path.of(args[1]), Long.parseLong(args[2]));
      return;
    }
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 120;
    List<String> jvmFlags =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    Path dir = Files.createTempDirectory("tidewatch-agent-bench-");
    Path log = dir.resolve("access.log");
    Files.writeString(log, "");
    try (EmbeddedBroker broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dir, 0))) {
      try (Admin admin = Admin.create(broker.clientConfig())) {
        new TopicBootstrap(admin, (short) 1).ensure(new Topics("bench.").specs());
      }
      Path config = dir.resolve("agent.yaml");
      Files.writeString(
          config,
          """
          interval: 10s
          host: bench-host
          kafka: {bootstrapServers: "%s", topicPrefix: bench.}
          spool: {dir: "%s", maxBytes: 64MiB}
          logs:
            - paths: ["%s"]
              format: nginx
              logGroup: /nginx/access
          """
              .formatted(broker.bootstrapServers(), dir.resolve("spool"), log));
      long total = WARM_UP.toSeconds() + seconds;
      List<String> command = new java.util.ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmFlags);
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              AgentOverhead.class.getName(),
              "--child",
              config.toString(),
              Long.toString(total)));
      Process child =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("child.out").toFile())
              .start();
      long ticksPerSecond = 100; // USER_HZ on Linux
      long started = System.nanoTime();
      long warmEnd = started + WARM_UP.toNanos();
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      long cpuAtWarmEnd = -1;
      long wallAtWarmEnd = 0;
      long lines = 0;
      long cpuAtEnd = 0;
      long wallAtEnd = 0;
      try (BufferedWriter out =
          Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
        while (System.nanoTime() < end) {
          for (int i = 0; i < 20; i++) {
            out.write(
                "10.0.0.%d - - [%s] \"GET /bench/%d HTTP/1.1\" 200 %d \"-\" \"bench\"\n"
                    .formatted(lines % 250, NGINX_TIME.format(Instant.now()), lines, lines % 5000));
            lines++;
          }
          out.flush();
          if (cpuAtWarmEnd < 0 && System.nanoTime() >= warmEnd) {
            cpuAtWarmEnd = cpuTicks(child.pid());
            wallAtWarmEnd = System.nanoTime();
          }
          cpuAtEnd = cpuTicks(child.pid());
          wallAtEnd = System.nanoTime();
          Thread.sleep(1000);
        }
      }
      child.waitFor(60, TimeUnit.SECONDS);
      String output = Files.readString(dir.resolve("child.out"));
      double cpuSeconds = (double) (cpuAtEnd - cpuAtWarmEnd) / ticksPerSecond;
      double wallSeconds = (wallAtEnd - wallAtWarmEnd) / 1e9;
      System.out.println(BenchEnvironment.describe());
      output
          .lines()
          .filter(line -> line.startsWith("heap") || line.contains(" agent bench-host: "))
          .reduce((first, second) -> second)
          .ifPresent(line -> System.out.println("last status: " + line));
      String heap =
          output.lines().filter(line -> line.startsWith("heap")).findFirst().orElse("heap: n/a");
      System.out.printf(
          Locale.ROOT,
          "agent at a 10 s interval, one log at 20 lines/s, JVM %s: CPU %.2f%% of one core over"
              + " %.0f s (target < 2%%); %s (target < 64 MiB); %,d lines written%n",
          String.join(" ", jvmFlags),
          100 * cpuSeconds / wallSeconds,
          wallSeconds,
          heap,
          lines);
    }
    ParseThroughput.deleteAll(dir);
  }

  /** utime + stime of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static void child(Path config, long seconds) throws Exception {
    PrintStream status = new PrintStream(OutputStream.nullOutputStream());
    PrintStream out = System.out;
    try (Agent agent = Agent.start(AgentConfigLoader.load(config), new PrintStream(out, true))) {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long peak = 0;
      List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
      for (MemoryPoolMXBean pool : pools) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.gc();
      long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      out.printf(
          Locale.ROOT,
          "heap peak %.1f MiB (sum of pool peaks), %.1f MiB live after GC%n",
          peak / 1048576.0,
          afterGc / 1048576.0);
      out.flush();
      status.close();
    }
  }
}
