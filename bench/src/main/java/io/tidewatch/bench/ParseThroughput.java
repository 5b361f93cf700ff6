package io.tidewatch.bench;

import io.tidewatch.ingest.imports.LineReader;
import io.tidewatch.ingest.parse.LineDecoder;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.Parsed;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue benchmark: log lines parsed per second on one core.
 *
 * <ul>
 *   <li>nginx {@code combined}: Tidewatch's parser (bytes in, as {@code logs import} and the agent
 *       run it: line splitting, UTF-8 checks, parsing) against goaccess (the Debian package, on the
 *       same file, pinned to one core with {@code taskset}, {@code --log-format=COMBINED}, JSON
 *       report) and against a precompiled {@link java.util.regex} parser giving the same fields.
 *   <li>VPC flow logs (default v2 format): Tidewatch's parser against a precompiled regex parser.
 * </ul>
 *
 * <p>Usage: {@code bench/run ParseThroughput [lines]} (default 1,000,000). Rates are lines per
 * CPU-second (thread CPU time for the Java parsers, user + system time for goaccess), so a shared
 * machine slows neither side; best of several rounds for the Java parsers (the first rounds warm
 * the JIT up); one run for goaccess.
 */
public final class ParseThroughput {

  private static final Pattern COMBINED =
      Pattern.compile(
          "^(\\S+) - (\\S+) \\[([^\\]]+)\\] \"([^\"]*)\" (\\d{3}) (\\d+|-) \"([^\"]*)\""
              + " \"([^\"]*)\"$");
  private static final Pattern FLOW =
      Pattern.compile(
          "^(\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)"
              + " (\\S+) (\\S+)$");
  private static final DateTimeFormatter TIME_LOCAL =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final String[] FLOW_NAMES = {
    "version",
    "accountId",
    "interfaceId",
    "srcAddr",
    "dstAddr",
    "srcPort",
    "dstPort",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "logStatus"
  };
  private static final int ROUNDS = 6;

  private ParseThroughput() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("tidewatch-parse-bench-");
    Path nginx = dir.resolve("access.log");
    Path flows = dir.resolve("flows.log");
    writeNginx(nginx, count);
    writeFlows(flows, count);
    System.out.println(BenchEnvironment.describe());
    System.out.printf(
        Locale.ROOT,
        "files: nginx combined %,d lines (%,d bytes), VPC flow v2 %,d lines (%,d bytes)%n",
        count,
        Files.size(nginx),
        count,
        Files.size(flows));

    LogParser nginxParser = LogFormats.parser(LogFormats.NGINX, Optional.empty());
    List<String> nginxLines = Files.readAllLines(nginx);
    checkAgreement(nginxParser, nginxLines, ParseThroughput::regexCombined);
    double ours = best(() -> tidewatch(nginx, nginxParser));
    double regex = best(() -> regex(nginxLines, ParseThroughput::regexCombined));
    double goaccess = goaccess(nginx, count, dir);
    System.out.printf(
        Locale.ROOT,
        "nginx combined, lines per CPU-second on one core: tidewatch %,.0f; goaccess %s; precompiled"
            + " java.util.regex %,.0f lines/s -> %s vs goaccess (target >= 5x), %.2fx vs regex"
            + " (target >= 2x)%n",
        ours,
        goaccess > 0 ? String.format(Locale.ROOT, "%,.0f lines/s", goaccess) : "not run",
        regex,
        goaccess > 0 ? String.format(Locale.ROOT, "%.2fx", ours / goaccess) : "n/a",
        ours / regex);

    LogParser flowParser = LogFormats.parser(LogFormats.VPC_FLOW, Optional.empty());
    List<String> flowLines = Files.readAllLines(flows);
    checkAgreement(flowParser, flowLines, ParseThroughput::regexFlow);
    double oursFlow = best(() -> tidewatch(flows, flowParser));
    double regexFlow = best(() -> regex(flowLines, ParseThroughput::regexFlow));
    System.out.printf(
        Locale.ROOT,
        "VPC flow v2, lines per CPU-second on one core: tidewatch %,.0f; precompiled java.util.regex %,.0f"
            + " lines/s -> %.2fx (target >= 2x)%n",
        oursFlow,
        regexFlow,
        oursFlow / regexFlow);
    deleteAll(dir);
  }

  /** A measurement in lines per second. */
  private interface Measurement {
    double run() throws IOException;
  }

  private static double best(Measurement measurement) throws IOException {
    double best = 0;
    for (int round = 0; round < ROUNDS; round++) {
      best = Math.max(best, measurement.run());
    }
    return best;
  }

  /** What {@code logs import} does per line, reading the file as bytes. */
  private static double tidewatch(Path file, LogParser parser) throws IOException {
    LineDecoder decoder = LineDecoder.DEFAULT;
    long lines = 0;
    long parsed = 0;
    long start = cpuNanos();
    try (InputStream in = Files.newInputStream(file)) {
      LineReader reader = new LineReader(in, decoder.maxLineBytes());
      while (reader.next()) {
        ParseResult result = decoder.parse(parser, reader.bytes(), 0, reader.length());
        lines++;
        if (result instanceof Parsed) {
          parsed++;
        }
      }
    }
    double seconds = (cpuNanos() - start) / 1e9;
    if (parsed != lines) {
      throw new IllegalStateException("tidewatch parsed " + parsed + " of " + lines + " lines");
    }
    return lines / seconds;
  }

  private static double regex(List<String> lines, Function<String, Parsed> parser) {
    long start = cpuNanos();
    long parsed = 0;
    for (String line : lines) {
      if (parser.apply(line) != null) {
        parsed++;
      }
    }
    double seconds = (cpuNanos() - start) / 1e9;
    if (parsed != lines.size()) {
      throw new IllegalStateException("regex parsed " + parsed + " of " + lines.size());
    }
    return lines.size() / seconds;
  }

  private static void checkAgreement(
      LogParser parser, List<String> lines, Function<String, Parsed> regex) {
    for (int i = 0; i < 2_000; i++) {
      Parsed ours = (Parsed) parser.parse(lines.get(i));
      Parsed theirs = regex.apply(lines.get(i));
      if (!ours.fields().equals(theirs.fields()) || !ours.timestamp().equals(theirs.timestamp())) {
        throw new IllegalStateException(
            "parsers disagree on " + lines.get(i) + ": " + ours + " vs " + theirs);
      }
    }
  }

  /**
   * goaccess on one core: lines per CPU-second (user + system) over its whole run (parse + report),
   * read with the shell's {@code times}; -1 when goaccess is missing.
   */
  private static double goaccess(Path file, int lines, Path dir) throws Exception {
    Path binary = Path.of("/usr/bin/goaccess");
    if (!Files.isExecutable(binary)) {
      System.out.println("goaccess is not installed (apt-get install goaccess); skipped");
      return -1;
    }
    String pin = Files.isExecutable(Path.of("/usr/bin/taskset")) ? "taskset -c 0 " : "";
    String script =
        pin
            + binary
            + " '"
            + file
            + "' --log-format=COMBINED --no-global-config --no-progress -o '"
            + dir.resolve("report.json")
            + "' >/dev/null 2>&1 || exit 1; times";
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder("bash", "-c", script)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("goaccess.out").toFile())
            .start();
    if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
      System.out.println("goaccess failed");
      return -1;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    List<String> times = Files.readAllLines(dir.resolve("goaccess.out"));
    Matcher m =
        Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s").matcher(times.get(times.size() - 1));
    if (!m.find()) {
      throw new IllegalStateException("cannot read goaccess CPU times: " + times);
    }
    double cpu =
        Integer.parseInt(m.group(1)) * 60
            + Double.parseDouble(m.group(2))
            + Integer.parseInt(m.group(3)) * 60
            + Double.parseDouble(m.group(4));
    System.out.printf(
        Locale.ROOT, "goaccess: %.1f s CPU, %.1f s wall for %,d lines%n", cpu, wall, lines);
    return lines / cpu;
  }

  /** CPU time of this thread: the machine may be shared, so rates are per CPU-second. */
  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static Parsed regexCombined(String line) {
    Matcher m = COMBINED.matcher(line);
    if (!m.matches()) {
      return null;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("remoteIP", dash(m.group(1)));
    fields.put("remoteUser", dash(m.group(2)));
    fields.put("timeLocal", m.group(3));
    String request = dash(m.group(4));
    fields.put("request", request);
    String[] parts = request == null ? new String[0] : request.split(" ");
    boolean wellFormed = parts.length == 3 && parts[2].startsWith("HTTP/");
    fields.put("method", wellFormed ? parts[0] : null);
    fields.put("path", wellFormed ? parts[1] : null);
    fields.put("protocol", wellFormed ? parts[2] : null);
    fields.put("status", Long.parseLong(m.group(5)));
    String bytes = dash(m.group(6));
    fields.put("bytes", bytes == null ? null : Long.parseLong(bytes));
    fields.put("referrer", dash(m.group(7)));
    fields.put("userAgent", dash(m.group(8)));
    Instant time = OffsetDateTime.parse(m.group(3), TIME_LOCAL).toInstant();
    return new Parsed(time, fields);
  }

  static Parsed regexFlow(String line) {
    Matcher m = FLOW.matcher(line);
    if (!m.matches()) {
      return null;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < FLOW_NAMES.length; i++) {
      String value = dash(m.group(i + 1));
      Object typed = value;
      switch (FLOW_NAMES[i]) {
        case "version", "srcPort", "dstPort", "protocol", "packets", "bytes", "start", "end" ->
            typed = value == null ? null : Long.parseLong(value);
        default -> {}
      }
      fields.put(FLOW_NAMES[i], typed);
    }
    Object start = fields.get("start");
    return new Parsed(start == null ? null : Instant.ofEpochSecond((Long) start), fields);
  }

  private static String dash(String value) {
    return "-".equals(value) ? null : value;
  }

  static void writeNginx(Path file, int count) throws IOException {
    Random random = new Random(1);
    String[] paths = {"/", "/index.html", "/api/v1/orders?id=", "/static/app.js", "/img/logo.png"};
    String[] agents = {
      "curl/8.5.0",
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/126.0.0.0 Safari/537.36",
      "-"
    };
    String[] methods = {"GET", "GET", "GET", "POST", "PUT"};
    int[] statuses = {200, 200, 200, 301, 404, 500};
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < count; i++) {
        out.write(
            String.format(
                Locale.ROOT,
                "%d.%d.%d.%d - %s [%02d/Nov/2024:%02d:%02d:%02d +0000] \"%s %s%d HTTP/1.1\" %d %s"
                    + " \"%s\" \"%s\"\n",
                10 + random.nextInt(200),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(10) == 0 ? "alice" : "-",
                1 + random.nextInt(28),
                random.nextInt(24),
                random.nextInt(60),
                random.nextInt(60),
                methods[random.nextInt(methods.length)],
                paths[random.nextInt(paths.length)],
                random.nextInt(1000),
                statuses[random.nextInt(statuses.length)],
                random.nextInt(20) == 0 ? "-" : Integer.toString(random.nextInt(100_000)),
                random.nextInt(3) == 0 ? "https://example.com/" : "-",
                agents[random.nextInt(agents.length)]));
      }
    }
  }

  static void writeFlows(Path file, int count) throws IOException {
    Random random = new Random(2);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < count; i++) {
        long start = 1_732_000_000L + random.nextInt(86_400);
        if (random.nextInt(50) == 0) {
          out.write(
              String.format(
                  Locale.ROOT,
                  "2 123456789012 eni-%08x - - - - - - - %d %d - NODATA\n",
                  random.nextInt(),
                  start,
                  start + 60));
          continue;
        }
        out.write(
            String.format(
                Locale.ROOT,
                "2 123456789012 eni-%08x 10.0.%d.%d 172.31.%d.%d %d %d %d %d %d %d %d %s OK\n",
                random.nextInt(),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(65536),
                random.nextBoolean() ? 443 : 22,
                random.nextBoolean() ? 6 : 17,
                1 + random.nextInt(100),
                40 + random.nextInt(100_000),
                start,
                start + 60,
                random.nextInt(10) == 0 ? "REJECT" : "ACCEPT"));
      }
    }
  }

  static void deleteAll(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
