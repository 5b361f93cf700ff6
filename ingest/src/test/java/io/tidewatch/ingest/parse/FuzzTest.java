package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every parser (RELIABILITY.md items 13 and 14): random bytes, random printable
 * text, every truncation and random mutations of the documented lines. No input may throw, every
 * result must be well-formed (a rejection with a reason and a short printable detail, or fields of
 * the allowed types), and a parser must give the same answer for a good line before and after any
 * amount of garbage.
 */
class FuzzTest {

  private static final long SEED = 20_240_613L;
  private static final String PRINTABLE =
      " \t\"'[]{}():,.-_/\\=+0123456789abcdefxyzABCDEFXYZ -\"-\"  ";

  /** What a rejected line may give: never INTERNAL_ERROR (that would be a bug caught). */
  private static final Set<RejectReason> EXPECTED_REASONS =
      EnumSet.complementOf(EnumSet.of(RejectReason.INTERNAL_ERROR));

  private final List<GoldenCase> golden = GoldenFilesTest.allCases();

  @Test
  void shouldNeverThrowWhenFedSeededRandomBytes() {
    Random random = new Random(SEED);
    for (GoldenCase c : golden) {
      LogParser parser = LogFormats.parser(c.format(), c.option());
      for (int i = 0; i < 300; i++) {
        byte[] bytes = new byte[random.nextInt(600)];
        random.nextBytes(bytes);
        check(parser, bytes);
      }
    }
  }

  @Test
  void shouldNeverThrowWhenFedRandomPrintableText() {
    Random random = new Random(SEED + 1);
    for (GoldenCase c : golden) {
      LogParser parser = LogFormats.parser(c.format(), c.option());
      for (int i = 0; i < 300; i++) {
        StringBuilder line = new StringBuilder();
        int length = random.nextInt(400);
        for (int k = 0; k < length; k++) {
          line.append(PRINTABLE.charAt(random.nextInt(PRINTABLE.length())));
        }
        check(parser, line.toString());
      }
    }
  }

  @Test
  void shouldRejectOrParseWhenEveryTruncationOfADocumentedLineIsGiven() {
    for (GoldenCase c : golden) {
      LogParser parser = LogFormats.parser(c.format(), c.option());
      for (int end = 0; end <= c.line().length(); end++) {
        check(parser, c.line().substring(0, end));
        check(parser, c.line().substring(end));
      }
    }
  }

  @Test
  void shouldNeverThrowWhenDocumentedLinesAreMutated() {
    Random random = new Random(SEED + 2);
    for (GoldenCase c : golden) {
      LogParser parser = LogFormats.parser(c.format(), c.option());
      for (int i = 0; i < 400; i++) {
        check(parser, mutate(c.line(), random));
        byte[] bytes = c.line().getBytes(StandardCharsets.UTF_8);
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        check(parser, bytes);
      }
    }
  }

  @Test
  void shouldAnswerGoodLinesTheSameWhenGarbageCameBetween() {
    Random random = new Random(SEED + 3);
    for (GoldenCase c : golden) {
      LogParser parser = LogFormats.parser(c.format(), c.option());
      ParseResult before = parser.parse(c.line());
      for (int i = 0; i < 50; i++) {
        byte[] garbage = new byte[random.nextInt(2000)];
        random.nextBytes(garbage);
        parser.parse(garbage);
        parser.parse(mutate(c.line(), random));
      }
      assertThat(parser.parse(c.line())).as(c.toString()).isEqualTo(before);
    }
  }

  @Test
  void shouldGiveNullNeverZeroWhenAnyFlowLogFieldIsADash() {
    Random random = new Random(SEED + 4);
    LogParser parser = LogFormats.parser(LogFormats.VPC_FLOW, Optional.empty());
    String[] values =
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"
            .split(" ");
    String[] names = LogFormats.VPC_FLOW_DEFAULT.replace("${", "").replace("}", "").split(" ");
    for (int i = 0; i < 2000; i++) {
      String[] line = values.clone();
      boolean[] dashed = new boolean[line.length];
      for (int f = 0; f < line.length; f++) {
        dashed[f] = random.nextInt(3) == 0;
        if (dashed[f]) {
          line[f] = "-";
        }
      }
      Parsed parsed = (Parsed) parser.parse(String.join(" ", line));
      List<Object> fieldValues = new ArrayList<>(parsed.fields().values());
      for (int f = 0; f < line.length; f++) {
        if (dashed[f]) {
          assertThat(fieldValues.get(f)).as(names[f]).isNull();
        } else {
          assertThat(fieldValues.get(f)).as(names[f]).isNotNull().isNotEqualTo(0L);
        }
      }
      assertThat(parsed.timestamp())
          .isEqualTo(dashed[10] ? null : Instant.ofEpochSecond(1418530010));
    }
  }

  @Test
  void shouldGiveNullNeverZeroWhenNumericAccessLogFieldsAreDashes() {
    Map<String, String> lines =
        Map.of(
            LogFormats.NGINX,
            "203.0.113.7 - - [02/Jul/2018:22:23:00 +0000] \"-\" - - \"-\" \"-\"",
            LogFormats.APACHE,
            "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"-\" - -",
            LogFormats.ALB,
            "http 2018-07-02T22:23:00.186641Z app/x/1 - - - - - - - - - \"-\" \"-\" - - - \"-\" \"-\""
                + " \"-\" - - \"-\" \"-\" \"-\"");
    lines.forEach(
        (format, line) -> {
          ParseResult result = LogFormats.parser(format, Optional.empty()).parse(line);
          assertThat(result).as(format + ": " + result).isInstanceOf(Parsed.class);
          for (Map.Entry<String, Object> field : ((Parsed) result).fields().entrySet()) {
            if (!field.getKey().equals("remoteIP")
                && !field.getKey().equals("timeLocal")
                && !field.getKey().equals("type")
                && !field.getKey().equals("time")
                && !field.getKey().equals("elb")) {
              assertThat(field.getValue()).as(format + " " + field.getKey()).isNull();
            }
          }
        });
  }

  private static String mutate(String line, Random random) {
    StringBuilder out = new StringBuilder(line);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && out.length() > 0; e++) {
      int at = random.nextInt(out.length());
      switch (random.nextInt(5)) {
        case 0 -> out.setCharAt(at, PRINTABLE.charAt(random.nextInt(PRINTABLE.length())));
        case 1 -> out.deleteCharAt(at);
        case 2 -> out.insert(at, PRINTABLE.charAt(random.nextInt(PRINTABLE.length())));
        case 3 -> {
          int end = Math.min(out.length(), at + random.nextInt(30));
          out.insert(random.nextInt(out.length()), out.substring(at, end)); // duplicate a slice
        }
        default -> out.delete(at, Math.min(out.length(), at + random.nextInt(30)));
      }
    }
    return out.toString();
  }

  private static void check(LogParser parser, String line) {
    ParseResult result;
    try {
      result = parser.parse(line);
    } catch (RuntimeException | Error e) {
      throw new AssertionError(parser + " threw on: " + line, e);
    }
    checkResult(parser, line, result);
  }

  private static void check(LogParser parser, byte[] line) {
    ParseResult result;
    try {
      result = parser.parse(line);
    } catch (RuntimeException | Error e) {
      throw new AssertionError(parser + " threw on bytes", e);
    }
    checkResult(parser, "<bytes>", result);
  }

  private static void checkResult(LogParser parser, String line, ParseResult result) {
    if (result instanceof Rejected rejected) {
      if (!EXPECTED_REASONS.contains(rejected.reason())) {
        fail(parser + " gave " + rejected + " on: " + line);
      }
      assertThat(rejected.detail())
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(Rejected.MAX_DETAIL_LENGTH);
      assertThat(rejected.detail().chars()).noneMatch(ch -> ch < 0x20 || ch == 0x7f);
    } else if (result instanceof Parsed parsed) {
      for (Map.Entry<String, Object> field : parsed.fields().entrySet()) {
        assertThat(field.getKey()).isNotEmpty();
        Object value = field.getValue();
        if (value != null
            && !(value instanceof String
                || value instanceof Long
                || value instanceof Double
                || value instanceof Boolean)) {
          fail(parser + " gave a " + value.getClass() + " for " + field.getKey() + " on: " + line);
        }
        if (value instanceof Double number && !Double.isFinite(number)) {
          fail(parser + " gave " + number + " for " + field.getKey() + " on: " + line);
        }
      }
    } else {
      fail(parser + " gave " + result + " on: " + line);
    }
  }
}
