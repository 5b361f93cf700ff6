package io.tidewatch.rules;

import java.time.Duration;
import java.util.Optional;

/**
 * The ranges a rule must stay within, shared by {@code rules check} (which reports a breach at its
 * line and column) and {@link AlarmRule}'s constructor (which refuses it), so that a rule that
 * passes the check can be evaluated without an overflow or a window that never fills.
 *
 * <p>The time ranges are CloudWatch's ({@code PutMetricAlarm}): a period of at most one day, and
 * {@code period × evaluationPeriods} of at most seven days, or one day for a period under an hour.
 * {@code evaluationRange} and {@code allowedLateness} have no CloudWatch counterpart; they are
 * bounded so that what an alarm instance keeps and looks at stays in proportion to its evaluation.
 */
final class RuleLimits {

  /** The longest name of an alarm, action or any other rule (CloudWatch's alarm-name limit). */
  static final int MAX_NAME_LENGTH = 255;

  /**
   * The longest string anywhere in a rule file (descriptions, expressions, queries, labels); a
   * longer one is a mistake or an attack, and would not fit the rules topic's records anyway.
   */
  static final int MAX_STRING_LENGTH = 16 * 1024;

  /** CloudWatch's longest period. */
  static final Duration MAX_PERIOD = Duration.ofDays(1);

  /** CloudWatch's longest evaluation: {@code period × evaluationPeriods}. */
  static final Duration MAX_EVALUATION = Duration.ofDays(7);

  /** CloudWatch's longest evaluation for a period under {@link #SHORT_PERIOD}. */
  static final Duration MAX_SHORT_PERIOD_EVALUATION = Duration.ofDays(1);

  /** Periods below this have the shorter evaluation limit. */
  static final Duration SHORT_PERIOD = Duration.ofHours(1);

  /**
   * How much longer than the longest evaluation the evaluation range may reach back ({@code
   * evaluationRange × period}): twice, so the default range of N + 2 periods always fits.
   */
  static final int EVALUATION_RANGE_FACTOR = 2;

  /** The longest {@code allowedLateness}. */
  static final Duration MAX_ALLOWED_LATENESS = Duration.ofDays(1);

  private RuleLimits() {}

  /** Why a name is too long, or empty when it is not. */
  static Optional<String> nameProblem(String kind, String name) {
    if (name.length() <= MAX_NAME_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(
        kind
            + " name is too long: "
            + name.length()
            + " characters, at most "
            + MAX_NAME_LENGTH
            + " are allowed");
  }

  /** Why a period is out of range, or empty when it is not. */
  static Optional<String> periodProblem(Duration period) {
    if (period.compareTo(MAX_PERIOD) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "'period' is out of range: at most 1d (86400s), as in CloudWatch, found "
            + period.toSeconds()
            + "s");
  }

  /**
   * Why {@code period × evaluationPeriods} is out of range, or empty when it is not; {@code period}
   * must be within {@link #MAX_PERIOD}.
   */
  static Optional<String> evaluationProblem(Duration period, int evaluationPeriods) {
    Duration limit = evaluationLimit(period);
    long seconds = period.toSeconds() * evaluationPeriods;
    if (seconds <= limit.toSeconds()) {
      return Optional.empty();
    }
    return Optional.of(
        "'evaluationPeriods' is out of range: period × evaluationPeriods must be at most "
            + limit.toDays()
            + "d ("
            + limit.toSeconds()
            + "s)"
            + (limit.equals(MAX_SHORT_PERIOD_EVALUATION) ? " for a period under 1h" : "")
            + ", as in CloudWatch, found "
            + period.toSeconds()
            + "s × "
            + evaluationPeriods
            + " = "
            + seconds
            + "s");
  }

  /**
   * Why {@code period × evaluationRange} is out of range, or empty when it is not; {@code period}
   * must be within {@link #MAX_PERIOD}.
   */
  static Optional<String> evaluationRangeProblem(Duration period, int evaluationRange) {
    long limit = evaluationLimit(period).toSeconds() * EVALUATION_RANGE_FACTOR;
    long seconds = period.toSeconds() * evaluationRange;
    if (seconds <= limit) {
      return Optional.empty();
    }
    return Optional.of(
        "'evaluationRange' is out of range: period × evaluationRange must be at most "
            + limit
            + "s (twice the longest evaluation), found "
            + period.toSeconds()
            + "s × "
            + evaluationRange
            + " = "
            + seconds
            + "s");
  }

  /** Why an allowed lateness is out of range, or empty when it is not. */
  static Optional<String> allowedLatenessProblem(Duration allowedLateness) {
    if (allowedLateness.compareTo(MAX_ALLOWED_LATENESS) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "'allowedLateness' is out of range: at most 1d (86400s), found "
            + allowedLateness.toSeconds()
            + "s");
  }

  private static Duration evaluationLimit(Duration period) {
    return period.compareTo(SHORT_PERIOD) < 0 ? MAX_SHORT_PERIOD_EVALUATION : MAX_EVALUATION;
  }
}
