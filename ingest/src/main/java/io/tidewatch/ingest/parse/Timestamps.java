package io.tidewatch.ingest.parse;

import java.time.Instant;

/**
 * Hand-written parsers of the time formats the logs use, straight from a region of the line: the
 * Common Log Format's {@code 10/Oct/2000:13:55:36 -0700}, ISO 8601 ({@code
 * 2018-07-02T22:23:00.186641Z}) and epoch seconds with a fraction ({@code 1593102347.123}). Each
 * returns {@code null} (or {@link #INVALID}) instead of throwing.
 */
final class Timestamps {

  static final long INVALID = Long.MIN_VALUE;

  private static final long MAX_OFFSET_SECONDS = 18 * 3600;

  private Timestamps() {}

  /** {@code dd/MMM/yyyy:HH:mm:ss ±hhmm} as an instant, or {@code null}. */
  static Instant parseCommonLogTime(String s, int from, int to) {
    if (to - from != 26
        || s.charAt(from + 2) != '/'
        || s.charAt(from + 6) != '/'
        || s.charAt(from + 11) != ':'
        || s.charAt(from + 14) != ':'
        || s.charAt(from + 17) != ':'
        || s.charAt(from + 20) != ' ') {
      return null;
    }
    int day = digits(s, from, 2);
    int month = month(s, from + 3);
    int year = digits(s, from + 7, 4);
    int hour = digits(s, from + 12, 2);
    int minute = digits(s, from + 15, 2);
    int second = digits(s, from + 18, 2);
    char sign = s.charAt(from + 21);
    int offsetHours = digits(s, from + 22, 2);
    int offsetMinutes = digits(s, from + 24, 2);
    if ((sign != '+' && sign != '-')
        || offsetHours < 0
        || offsetMinutes < 0
        || offsetMinutes > 59) {
      return null;
    }
    long offset = (offsetHours * 3600L + offsetMinutes * 60L) * (sign == '-' ? -1 : 1);
    if (Math.abs(offset) > MAX_OFFSET_SECONDS) {
      return null;
    }
    long epochSecond = epochSecond(year, month, day, hour, minute, second, offset);
    return epochSecond == INVALID ? null : Instant.ofEpochSecond(epochSecond);
  }

  /**
   * ISO 8601 date-time {@code yyyy-MM-dd'T'HH:mm[:ss[.fraction]][Z|±HH[:MM]]} ({@code T} or a space
   * between date and time); without a zone it is UTC when {@code zoneRequired} is false, else
   * invalid. Returns {@code null} when invalid.
   */
  static Instant parseIso(String s, int from, int to, boolean zoneRequired) {
    if (to - from < 16
        || s.charAt(from + 4) != '-'
        || s.charAt(from + 7) != '-'
        || s.charAt(from + 13) != ':') {
      return null;
    }
    char separator = s.charAt(from + 10);
    if (separator != 'T' && separator != 't' && separator != ' ') {
      return null;
    }
    int year = digits(s, from, 4);
    int month = digits(s, from + 5, 2);
    int day = digits(s, from + 8, 2);
    int hour = digits(s, from + 11, 2);
    int minute = digits(s, from + 14, 2);
    int second = 0;
    int nanos = 0;
    int i = from + 16;
    if (i < to && s.charAt(i) == ':') {
      if (i + 3 > to) {
        return null;
      }
      second = digits(s, i + 1, 2);
      i += 3;
      if (i < to && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
        i++;
        int start = i;
        while (i < to && Numbers.isDigit(s.charAt(i))) {
          if (i - start < 9) {
            nanos = nanos * 10 + (s.charAt(i) - '0');
          }
          i++;
        }
        int count = i - start;
        if (count == 0) {
          return null;
        }
        for (int k = count; k < 9; k++) {
          nanos *= 10;
        }
      }
    }
    long offset;
    if (i == to) {
      if (zoneRequired) {
        return null;
      }
      offset = 0;
    } else {
      offset = parseOffset(s, i, to);
      if (offset == INVALID) {
        return null;
      }
    }
    long epochSecond = epochSecond(year, month, day, hour, minute, second, offset);
    return epochSecond == INVALID ? null : Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** {@code seconds[.fraction]} since the epoch (nginx {@code $msec}), or {@code null}. */
  static Instant parseEpochSeconds(String s, int from, int to) {
    int i = from;
    long seconds = 0;
    while (i < to && Numbers.isDigit(s.charAt(i))) {
      if (i - from >= 12) {
        return null; // beyond year 33658: not a log time
      }
      seconds = seconds * 10 + (s.charAt(i) - '0');
      i++;
    }
    if (i == from) {
      return null;
    }
    int nanos = 0;
    if (i < to) {
      if (s.charAt(i) != '.') {
        return null;
      }
      i++;
      int start = i;
      while (i < to && Numbers.isDigit(s.charAt(i))) {
        if (i - start < 9) {
          nanos = nanos * 10 + (s.charAt(i) - '0');
        }
        i++;
      }
      if (i != to || i == start) {
        return null;
      }
      for (int k = i - start; k < 9; k++) {
        nanos *= 10;
      }
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static long parseOffset(String s, int i, int to) {
    char sign = s.charAt(i);
    if ((sign == 'Z' || sign == 'z') && i + 1 == to) {
      return 0;
    }
    if (sign != '+' && sign != '-') {
      return INVALID;
    }
    int length = to - i - 1;
    int hours = length >= 2 ? digits(s, i + 1, 2) : -1;
    int minutes;
    if (length == 2) {
      minutes = 0;
    } else if (length == 4) {
      minutes = digits(s, i + 3, 2);
    } else if (length == 5 && s.charAt(i + 3) == ':') {
      minutes = digits(s, i + 4, 2);
    } else {
      return INVALID;
    }
    if (hours < 0 || minutes < 0 || minutes > 59) {
      return INVALID;
    }
    long offset = hours * 3600L + minutes * 60L;
    return offset > MAX_OFFSET_SECONDS ? INVALID : sign == '-' ? -offset : offset;
  }

  private static long epochSecond(
      int year, int month, int day, int hour, int minute, int second, long offsetSeconds) {
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > daysInMonth(year, month)
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return INVALID;
    }
    return epochDay(year, month, day) * 86_400L
        + hour * 3600L
        + minute * 60L
        + second
        - offsetSeconds;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** {@code count} decimal digits at {@code i}, or -1. */
  private static int digits(String s, int i, int count) {
    int value = 0;
    for (int k = 0; k < count; k++) {
      char c = s.charAt(i + k);
      if (!Numbers.isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** {@code Jan}..{@code Dec} at {@code i} as 1..12, or -1. */
  private static int month(String s, int i) {
    if ((s.charAt(i) | s.charAt(i + 1) | s.charAt(i + 2)) > 0x7f) {
      return -1;
    }
    int key = (s.charAt(i) << 16) | (s.charAt(i + 1) << 8) | s.charAt(i + 2);
    switch (key) {
      case ('J' << 16) | ('a' << 8) | 'n':
        return 1;
      case ('F' << 16) | ('e' << 8) | 'b':
        return 2;
      case ('M' << 16) | ('a' << 8) | 'r':
        return 3;
      case ('A' << 16) | ('p' << 8) | 'r':
        return 4;
      case ('M' << 16) | ('a' << 8) | 'y':
        return 5;
      case ('J' << 16) | ('u' << 8) | 'n':
        return 6;
      case ('J' << 16) | ('u' << 8) | 'l':
        return 7;
      case ('A' << 16) | ('u' << 8) | 'g':
        return 8;
      case ('S' << 16) | ('e' << 8) | 'p':
        return 9;
      case ('O' << 16) | ('c' << 8) | 't':
        return 10;
      case ('N' << 16) | ('o' << 8) | 'v':
        return 11;
      case ('D' << 16) | ('e' << 8) | 'c':
        return 12;
      default:
        return -1;
    }
  }
}
