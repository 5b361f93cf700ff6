package io.tidewatch.rules.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.TreatMissingData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides an alarm's state from the datapoints of its evaluation range, with CloudWatch's semantics
 * including its treatment of missing data (RULES.md section 2; the tables of section 4 are its
 * golden tests). Pure: the stream processor and {@code tidewatch rules test} call the very same
 * method.
 */
public final class AlarmEvaluator {

  private AlarmEvaluator() {}

  /**
   * Evaluates {@code rule} once.
   *
   * <p>With N = evaluationPeriods and M = datapointsToAlarm: when the range holds at least N real
   * datapoints, the newest N real ones decide (ALARM iff at least M breach) and treatMissingData is
   * not used. Otherwise the gaps are filled only as often as needed to reach N, as {@code
   * breaching} or {@code notBreaching}; with {@code missing}, no data gives INSUFFICIENT_DATA, M
   * breaching gives ALARM, all-breaching data whose oldest breaching datapoint is at least M
   * periods old gives ALARM (AWS's guard against missed alarms), any non-breaching datapoint gives
   * OK, and only young breaching datapoints keep the current state (a Tidewatch decision: AWS does
   * not document the case). {@code ignore} is {@code missing} except that it keeps the current
   * state where {@code missing} would give INSUFFICIENT_DATA or the age-guard ALARM.
   *
   * <p>A NaN value counts as a missing datapoint: it is no measurement, and comparing it with the
   * threshold would silently make it "not breaching". For an anomaly-band alarm each datapoint is
   * compared with its own {@link PeriodDatapoint#band()} (learned before its period, see {@link
   * AnomalyModel}); one without a band counts as missing.
   *
   * @param range the periods of the evaluation range ordered oldest to newest, missing ones with a
   *     null value; normally exactly {@code rule.evaluationRange()} of them (only the newest that
   *     many are used)
   * @param current the state before this evaluation ({@code INSUFFICIENT_DATA} for a new alarm)
   * @param evaluatedAt when the evaluation happens, for {@code reasonData}'s {@code queryDate}
   * @throws IllegalArgumentException when the range is not ordered oldest to newest
   */
  public static Evaluation evaluate(
      AlarmRule rule, List<PeriodDatapoint> range, AlarmState current, Instant evaluatedAt) {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(evaluatedAt, "evaluatedAt");
    List<PeriodDatapoint> newestFirst = newestFirst(range, rule.evaluationRange());
    List<Point> real = new ArrayList<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      PeriodDatapoint datapoint = newestFirst.get(i);
      if (!datapoint.isPresent()) {
        continue;
      }
      boolean breaching;
      if (rule.hasAnomalyBand()) {
        AnomalyModel.Band band = datapoint.band();
        if (band == null) {
          continue; // nothing learned to compare with yet: as missing, like CloudWatch's training
        }
        breaching = rule.comparison().breaches(datapoint.value(), band.lower(), band.upper());
      } else {
        breaching = rule.comparison().breaches(datapoint.value(), rule.threshold());
      }
      real.add(new Point(i + 1, datapoint, breaching));
    }
    Reasons reasons = new Reasons(rule, current, newestFirst.size());
    Decision decision =
        real.size() >= rule.evaluationPeriods()
            ? counted(rule, real.subList(0, rule.evaluationPeriods()), reasons)
            : fewerThanN(rule, real, newestFirst, current, reasons);
    return new Evaluation(
        decision.state(),
        decision.state() != current,
        decision.reason(),
        ReasonData.json(rule, newestFirst, decision.evaluated(), evaluatedAt),
        decision.evaluated());
  }

  /** A real datapoint; {@code position} counts periods back from the newest one, which is 1. */
  record Point(int position, PeriodDatapoint datapoint, boolean breaching) {}

  private record Decision(AlarmState state, String reason, List<PeriodDatapoint> evaluated) {}

  /** At least N real datapoints: the newest N decide, missing data plays no part. */
  private static Decision counted(AlarmRule rule, List<Point> newestN, Reasons reasons) {
    long breaching = newestN.stream().filter(Point::breaching).count();
    AlarmState state = breaching >= rule.datapointsToAlarm() ? AlarmState.ALARM : AlarmState.OK;
    List<PeriodDatapoint> evaluated = newestN.stream().map(Point::datapoint).toList();
    return new Decision(
        state, reasons.counted(state, newestN, rule.evaluationPeriods(), 0, null, true), evaluated);
  }

  private static Decision fewerThanN(
      AlarmRule rule,
      List<Point> real,
      List<PeriodDatapoint> newestFirst,
      AlarmState current,
      Reasons reasons) {
    int n = rule.evaluationPeriods();
    int m = rule.datapointsToAlarm();
    int fills = n - real.size();
    long realBreaching = real.stream().filter(Point::breaching).count();
    TreatMissingData treatment = rule.treatMissingData();
    AlarmState state;
    String reason;
    switch (treatment) {
      case breaching, notBreaching -> {
        long breaching = realBreaching + (treatment == TreatMissingData.breaching ? fills : 0);
        state = breaching >= m ? AlarmState.ALARM : AlarmState.OK;
        reason = reasons.counted(state, real, n, fills, treatment, true);
      }
      default -> {
        boolean ignore = treatment == TreatMissingData.ignore;
        int missing = newestFirst.size() - real.size();
        if (real.isEmpty()) {
          state = ignore ? current : AlarmState.INSUFFICIENT_DATA;
          reason = ignore ? reasons.keptWithoutData() : reasons.insufficientData();
        } else if (realBreaching >= m) {
          state = AlarmState.ALARM;
          reason = reasons.counted(state, real, real.size(), missing, treatment, true);
        } else if (realBreaching == real.size() && oldestBreachingAge(real) >= m) {
          state = ignore ? current : AlarmState.ALARM;
          reason =
              ignore
                  ? reasons.keptIgnoringMissing(real, missing)
                  : reasons.ageGuard(real, missing, oldestBreachingAge(real));
        } else if (realBreaching < real.size()) {
          state = AlarmState.OK;
          reason = reasons.counted(state, real, real.size(), missing, treatment, false);
        } else {
          state = current;
          reason = reasons.keptTooYoung(real, missing, oldestBreachingAge(real));
        }
      }
    }
    return new Decision(state, reason, newestFirst);
  }

  private static int oldestBreachingAge(List<Point> real) {
    return real.stream().filter(Point::breaching).mapToInt(Point::position).max().orElse(0);
  }

  private static List<PeriodDatapoint> newestFirst(List<PeriodDatapoint> range, int size) {
    Objects.requireNonNull(range, "range");
    for (int i = 1; i < range.size(); i++) {
      Instant previous = Objects.requireNonNull(range.get(i - 1), "range item").periodStart();
      if (!Objects.requireNonNull(range.get(i), "range item").periodStart().isAfter(previous)) {
        throw new IllegalArgumentException(
            "the evaluation range must be ordered oldest to newest without repeats; item "
                + i
                + " starts at "
                + range.get(i).periodStart()
                + ", not after "
                + previous);
      }
    }
    List<PeriodDatapoint> newestFirst = new ArrayList<>(List.copyOf(range));
    java.util.Collections.reverse(newestFirst);
    return List.copyOf(newestFirst.subList(0, Math.min(size, newestFirst.size())));
  }
}
