package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written hot-path parsers agree with the JDK's on valid input and never throw. */
class NumbersAndTimestampsTest {

  private static final DateTimeFormatter COMMON_LOG =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  @Test
  void shouldEqualDoubleParseDoubleWhenGivenRandomDecimals() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      String text;
      switch (i % 4) {
        case 0 ->
            text = Long.toString(random.nextInt(100_000)) + "." + pad(random.nextInt(1000), 3);
        case 1 ->
            text =
                new BigDecimal(random.nextDouble() * Math.pow(10, random.nextInt(12)))
                    .setScale(random.nextInt(10), java.math.RoundingMode.HALF_UP)
                    .toPlainString();
        case 2 ->
            text = Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
        default -> text = "-" + random.nextInt(10) + "." + random.nextLong() % 1_000_000_000_000L;
      }
      if (text.contains("-") && text.lastIndexOf('-') > 0 && !text.contains("E")) {
        continue; // "-3.-12" from the default branch: not a number, checked below
      }
      double expected = Double.parseDouble(text);
      assertThat(Numbers.parseDouble(text, 0, text.length())).as(text).isEqualTo(expected);
    }
  }

  @Test
  void shouldRefuseWhatIsNotADecimalWhenParsingDoubles() {
    for (String text :
        new String[] {
          "",
          "-",
          ".",
          "1.",
          ".5",
          "1e",
          "1e+",
          "NaN",
          "Infinity",
          "0x1p3",
          "1d",
          "1f",
          "1.5.5",
          "--1",
          "+1",
          " 1",
          "1 ",
          "1e400",
          "1,5",
          "-.5"
        }) {
      assertThat(Numbers.parseDouble(text, 0, text.length())).as("'%s'", text).isNaN();
    }
  }

  @Test
  void shouldEqualLongParseLongWhenGivenRandomIntegers() {
    Random random = new Random(8);
    for (int i = 0; i < 100_000; i++) {
      long value = random.nextLong() >> random.nextInt(64);
      String text = Long.toString(value);
      assertThat(Numbers.parseLong(text, 0, text.length())).isEqualTo(value);
    }
    for (String text :
        new String[] {
          "", "-", "+1", "1.0", "9223372036854775808", "99999999999999999999", "1a", " 1", "0x10"
        }) {
      assertThat(Numbers.parseLong(text, 0, text.length()))
          .as("'%s'", text)
          .isEqualTo(Numbers.NOT_A_LONG);
    }
  }

  @Test
  void shouldEqualJavaTimeWhenParsingRandomCommonLogAndIsoTimes() {
    Random random = new Random(9);
    for (int i = 0; i < 100_000; i++) {
      long second = random.nextLong(0, 4_102_444_800L); // 1970..2100
      int offsetMinutes = (random.nextInt(26 * 60 + 1) - 12 * 60) / 15 * 15;
      OffsetDateTime time =
          Instant.ofEpochSecond(second, random.nextInt(1_000_000_000))
              .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
      String common = COMMON_LOG.format(time);
      assertThat(Timestamps.parseCommonLogTime(common, 0, common.length()))
          .as(common)
          .isEqualTo(Instant.ofEpochSecond(second));
      String iso = time.toString();
      assertThat(Timestamps.parseIso(iso, 0, iso.length(), true))
          .as(iso)
          .isEqualTo(time.toInstant());
    }
  }

  @Test
  void shouldNeverThrowWhenTimesAreCutOrMangled() {
    Random random = new Random(10);
    String[] samples = {
      "10/Oct/2000:13:55:36 -0700",
      "2018-07-02T22:23:00.186641Z",
      "2000-10-10T13:55:36-07:00",
      "1593102347.123",
      "2024-01-02 03:04:05"
    };
    String alphabet = "0123456789-:/.TZ+ aO";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder(samples[random.nextInt(samples.length)]);
      int edits = random.nextInt(4);
      for (int e = 0; e < edits && text.length() > 0; e++) {
        int at = random.nextInt(text.length());
        if (random.nextBoolean()) {
          text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        } else {
          text.setLength(at);
        }
      }
      String s = text.toString();
      Timestamps.parseCommonLogTime(s, 0, s.length());
      Timestamps.parseIso(s, 0, s.length(), random.nextBoolean());
      Timestamps.parseEpochSeconds(s, 0, s.length());
    }
  }

  @Test
  void shouldRefuseImpossibleDatesWhenParsingTimes() {
    for (String text :
        new String[] {
          "29/Feb/2023:00:00:00 +0000",
          "31/Apr/2024:00:00:00 +0000",
          "10/Oct/2000:24:00:00 +0000",
          "10/Oct/2000:13:60:00 +0000",
          "10/Oct/2000:13:55:36 +1900",
          "10/oct/2000:13:55:36 +0000",
          "10/Oct/2000 13:55:36 +0000"
        }) {
      assertThat(Timestamps.parseCommonLogTime(text, 0, text.length())).as(text).isNull();
    }
    assertThat(Timestamps.parseCommonLogTime("29/Feb/2000:00:00:00 +0000", 0, 26))
        .isEqualTo(Instant.parse("2000-02-29T00:00:00Z"));
    for (String text :
        new String[] {
          "2018-07-02T22:23:00",
          "2018-13-02T22:23:00Z",
          "2018-07-02T22:23:00.Z",
          "2018-07-02X22:23:00Z",
          "2018-07-02T22:23:00+25:00",
          "2018-07-02T22:23:0Z"
        }) {
      assertThat(Timestamps.parseIso(text, 0, text.length(), true)).as(text).isNull();
    }
  }

  private static String pad(int value, int width) {
    String text = Integer.toString(value);
    return "0".repeat(width - text.length()) + text;
  }
}
