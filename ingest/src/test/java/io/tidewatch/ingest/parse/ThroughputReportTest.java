package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A sanity number, not a benchmark (those belong in {@code bench/} with JMH): nginx combined lines
 * per second on one thread, for our parser and for a precompiled {@link java.util.regex} parser
 * giving the same fields. Printed to the test log; the test asserts only that both agree.
 */
class ThroughputReportTest {

  private static final Pattern COMBINED =
      Pattern.compile(
          "^(\\S+) - (\\S+) \\[([^\\]]+)\\] \"([^\"]*)\" (\\d{3}) (\\d+|-) \"([^\"]*)\" \"([^\"]*)\"$");
  private static final DateTimeFormatter TIME_LOCAL =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  @Test
  void shouldAgreeWithARegexParserAndReportThroughputWhenParsingCombinedLines() {
    List<String> lines = lines(50_000);
    LogParser parser = LogFormats.parser(LogFormats.NGINX, Optional.empty());

    for (int i = 0; i < 2_000; i++) {
      Parsed ours = (Parsed) parser.parse(lines.get(i));
      Parsed regex = regexParse(lines.get(i));
      assertThat(ours).as(lines.get(i)).isEqualTo(regex);
    }

    long oursPerSecond = 0;
    long regexPerSecond = 0;
    for (int round = 0; round < 12; round++) { // the first rounds warm the JIT up
      oursPerSecond = Math.max(oursPerSecond, measure(lines, line -> parser.parse(line)));
      regexPerSecond = Math.max(regexPerSecond, measure(lines, ThroughputReportTest::regexParse));
    }
    System.out.printf(
        "nginx combined, one thread: tidewatch %,d lines/s, precompiled java.util.regex %,d"
            + " lines/s (%.1fx)%n",
        oursPerSecond, regexPerSecond, (double) oursPerSecond / regexPerSecond);
    assertThat(oursPerSecond).isPositive();
  }

  private static long measure(List<String> lines, java.util.function.Function<String, Object> f) {
    long start = System.nanoTime();
    int sink = 0;
    for (String line : lines) {
      sink += f.apply(line).hashCode() & 1;
    }
    long elapsed = Math.max(1, System.nanoTime() - start);
    if (sink < 0) {
      throw new AssertionError();
    }
    return lines.size() * 1_000_000_000L / elapsed;
  }

  /** What a careful regex-based parser does: same fields, same types, same nulls. */
  static Parsed regexParse(String line) {
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

  private static String dash(String value) {
    return "-".equals(value) ? null : value;
  }

  static List<String> lines(int count) {
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
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%d.%d.%d.%d - %s [%02d/Nov/2024:%02d:%02d:%02d +0000] \"%s %s%d HTTP/1.1\" %d %s"
                  + " \"%s\" \"%s\"",
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
    return lines;
  }
}
