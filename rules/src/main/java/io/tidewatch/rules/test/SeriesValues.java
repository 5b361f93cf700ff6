package io.tidewatch.rules.test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code values} notation of rule tests (RULES.md section 3), promtool's expanding notation
 * with one difference: {@code _xn} is n+1 missing samples here, like {@code axn}.
 *
 * <pre>
 * values   = token { whitespace token }
 * token    = "_" [ "x" count ]                    one missing sample, or count+1 of them
 *          | number [ ( "+" | "-" ) number ] "x" count     a, a±b, ..., a±count·b
 *          | number                               one sample
 * </pre>
 *
 * Steps are computed in decimal ({@code 0.1+0.1x2} gives exactly 0.1, 0.2, 0.3) and rounded to a
 * double once, so long series do not accumulate binary rounding errors.
 */
final class SeriesValues {

  /** More samples than any test needs; beyond it a typo such as {@code 1x99999999} is refused. */
  static final int MAX_VALUES = 100_000;

  private static final String NUMBER = "[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?";
  private static final String UNSIGNED = "(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?";
  private static final Pattern MISSING = Pattern.compile("_(?:x(\\d+))?");
  private static final Pattern EXPANDING =
      Pattern.compile("(" + NUMBER + ")(?:([-+])(" + UNSIGNED + "))?x(\\d+)");
  private static final Pattern SINGLE = Pattern.compile(NUMBER);
  private static final Pattern TOKEN = Pattern.compile("\\S+");

  /** A token that is not valid, as an offset into the text, for a caret under it. */
  record Problem(int offset, int length, String message) {}

  /**
   * @param values the expansion, null when there are problems
   */
  record Parsed(List<Double> values, List<Problem> problems) {}

  private SeriesValues() {}

  static Parsed parse(String text) {
    List<Double> values = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Matcher tokens = TOKEN.matcher(text);
    boolean tooMany = false;
    while (tokens.find()) {
      String token = tokens.group();
      int offset = tokens.start();
      long count;
      Matcher matcher;
      if ((matcher = MISSING.matcher(token)).matches()) {
        count = repeat(matcher.group(1));
        if (!tooMany && values.size() + count <= MAX_VALUES) {
          for (long i = 0; i < count; i++) {
            values.add(null);
          }
          continue;
        }
      } else if ((matcher = EXPANDING.matcher(token)).matches()) {
        count = repeat(matcher.group(4));
        BigDecimal start = new BigDecimal(matcher.group(1));
        BigDecimal step =
            matcher.group(2) == null
                ? BigDecimal.ZERO
                : new BigDecimal(matcher.group(3))
                    .multiply(BigDecimal.valueOf(matcher.group(2).equals("-") ? -1 : 1));
        if (!tooMany && values.size() + count <= MAX_VALUES) {
          for (long i = 0; i < count; i++) {
            values.add(start.add(step.multiply(BigDecimal.valueOf(i))).doubleValue());
          }
          if (!finite(values.get(values.size() - 1))) {
            problems.add(new Problem(offset, token.length(), outOfRange(token)));
          }
          continue;
        }
      } else if (SINGLE.matcher(token).matches()) {
        count = 1;
        double value = new BigDecimal(token).doubleValue();
        if (!finite(value)) {
          problems.add(new Problem(offset, token.length(), outOfRange(token)));
        }
        if (!tooMany && values.size() + count <= MAX_VALUES) {
          values.add(value);
          continue;
        }
      } else {
        problems.add(new Problem(offset, token.length(), unknownToken(token)));
        continue;
      }
      if (!tooMany) {
        tooMany = true;
        problems.add(
            new Problem(
                offset,
                token.length(),
                "'values' expands to more than "
                    + MAX_VALUES
                    + " samples at '"
                    + token
                    + "'; a rule test needs far fewer"));
      }
    }
    if (problems.isEmpty() && values.isEmpty()) {
      problems.add(
          new Problem(
              0, text.length(), "'values' is empty; write samples such as \"50 80 _ 80x3\""));
    }
    return new Parsed(problems.isEmpty() ? nullable(values) : null, problems);
  }

  /** {@code xn} means n more, so n+1 in all; saturated so that absurd counts are refused above. */
  private static long repeat(String n) {
    if (n == null) {
      return 1;
    }
    return n.length() > 9 ? Long.MAX_VALUE / 2 : Long.parseLong(n) + 1;
  }

  private static boolean finite(double value) {
    return Double.isFinite(value);
  }

  private static String outOfRange(String token) {
    return "'" + token + "' is out of the range of a double-precision number";
  }

  private static String unknownToken(String token) {
    String hint = "";
    if (token.matches(".*[xX]\\d*") && token.contains("*")) {
      hint = " (the step is written a+bxn, without '*')";
    } else if (token.equalsIgnoreCase("nan") || token.matches("[-+]?(?i:inf|infinity)")) {
      hint = " (NaN and infinities are not samples; write _ for a missing sample)";
    } else if (token.matches(".*X\\d+")) {
      hint = " (the repeat is written with a lower-case x: axn)";
    } else if (token.equals("stale")) {
      hint = " (Tidewatch has no stale markers; write _ for a missing sample)";
    }
    return "'" + token + "' is not a sample: expected a number, a+bxn, a-bxn, axn, _ or _xn" + hint;
  }

  /** List.copyOf refuses nulls; missing samples are nulls here. */
  private static List<Double> nullable(List<Double> values) {
    return java.util.Collections.unmodifiableList(values);
  }
}
