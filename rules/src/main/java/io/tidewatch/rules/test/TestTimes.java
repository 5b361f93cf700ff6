package io.tidewatch.rules.test;

import java.time.Duration;
import java.time.Instant;

/**
 * Test time is an offset from the epoch, printed as in rule-test files: {@code 6m}, {@code 1h30m}.
 */
final class TestTimes {

  private TestTimes() {}

  static String format(Duration offset) {
    if (offset.isZero()) {
      return "0s";
    }
    String sign = offset.isNegative() ? "-" : "";
    Duration d = offset.abs();
    StringBuilder out = new StringBuilder(sign);
    long days = d.toDays();
    if (days > 0) {
      out.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      out.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
      out.append(d.toSecondsPart());
      if (d.toMillisPart() > 0) {
        out.append('.').append(String.format("%03d", d.toMillisPart()));
      }
      out.append('s');
    }
    return out.toString();
  }

  static String format(long epochMillis) {
    return format(Duration.ofMillis(epochMillis));
  }

  static String format(Instant instant) {
    return format(instant.toEpochMilli());
  }
}
