package io.tidewatch.ingest.parse;

/**
 * Number parsing straight from a region of the line, without a substring: the hot path of every
 * access-log and flow-log field.
 */
final class Numbers {

  /** What {@link #parseLong} returns for text that is not an integer. */
  static final long NOT_A_LONG = Long.MIN_VALUE;

  private static final double[] POWERS_OF_TEN = new double[23];

  static {
    double power = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = power; // exact up to 1e22
      power *= 10;
    }
  }

  private Numbers() {}

  /** {@code -?[0-9]+} in {@code [from, to)}, or {@link #NOT_A_LONG} (also on overflow). */
  static long parseLong(String s, int from, int to) {
    int i = from;
    boolean negative = i < to && s.charAt(i) == '-';
    if (negative) {
      i++;
    }
    if (i >= to || to - i > 19) {
      return NOT_A_LONG;
    }
    long value = 0;
    for (; i < to; i++) {
      int digit = s.charAt(i) - '0';
      if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
        return NOT_A_LONG;
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  /**
   * {@code -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?} in {@code [from, to)} as the nearest double (the
   * same value {@link Double#parseDouble} gives), or NaN when the text is not such a number.
   */
  static double parseDouble(String s, int from, int to) {
    int i = from;
    boolean negative = i < to && s.charAt(i) == '-';
    if (negative) {
      i++;
    }
    int intStart = i;
    long mantissa = 0;
    int digits = 0;
    while (i < to && isDigit(s.charAt(i))) {
      mantissa = mantissa * 10 + (s.charAt(i) - '0');
      digits++;
      i++;
    }
    if (i == intStart) {
      return Double.NaN;
    }
    int fractionDigits = 0;
    if (i < to && s.charAt(i) == '.') {
      i++;
      int fractionStart = i;
      while (i < to && isDigit(s.charAt(i))) {
        if (digits < 18) {
          mantissa = mantissa * 10 + (s.charAt(i) - '0');
        }
        digits++;
        i++;
      }
      fractionDigits = i - fractionStart;
      if (fractionDigits == 0) {
        return Double.NaN;
      }
    }
    if (i == to && digits <= 15 && fractionDigits < POWERS_OF_TEN.length) {
      // Both operands are exact, so the correctly rounded quotient is the nearest double.
      double value = mantissa / POWERS_OF_TEN[fractionDigits];
      return negative ? -value : value;
    }
    if (i < to) {
      if (s.charAt(i) != 'e' && s.charAt(i) != 'E') {
        return Double.NaN;
      }
      i++;
      if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponentStart = i;
      while (i < to && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == exponentStart || i != to) {
        return Double.NaN;
      }
    }
    double value = Double.parseDouble(s.substring(from, to));
    return Double.isInfinite(value) ? Double.NaN : value;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
