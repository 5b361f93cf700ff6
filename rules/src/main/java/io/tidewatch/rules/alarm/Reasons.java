package io.tidewatch.rules.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.TreatMissingData;
import io.tidewatch.rules.alarm.AlarmEvaluator.Point;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reason sentences in CloudWatch's style ("Threshold Crossed: 3 out of the last 5 datapoints [91.2
 * (22/11/26 04:05:00), ...] were greater than the threshold (70.0) (minimum 3 datapoints for OK ->
 * ALARM transition)."), so people and tools used to CloudWatch read them as they are. Datapoints
 * are listed newest first with their period start in UTC.
 */
final class Reasons {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MM/yy HH:mm:ss").withZone(ZoneOffset.UTC);

  private final AlarmRule rule;
  private final AlarmState current;
  private final int periods;

  /**
   * @param periods how many periods the evaluation range held
   */
  Reasons(AlarmRule rule, AlarmState current, int periods) {
    this.rule = rule;
    this.current = current;
    this.periods = periods;
  }

  /**
   * A state decided by counting breaching datapoints.
   *
   * @param considered the real datapoints counted, newest first
   * @param outOf how many datapoints were counted, fills included
   * @param fills missing datapoints filled (breaching, notBreaching) or left out (missing, ignore)
   * @param treatment how those were treated, null when there were none by definition
   * @param withMinimum whether M-of-N decided, so that the minimum for the transition applies
   */
  String counted(
      AlarmState state,
      List<Point> considered,
      int outOf,
      int fills,
      TreatMissingData treatment,
      boolean withMinimum) {
    List<Point> breaching = considered.stream().filter(Point::breaching).toList();
    List<Point> notBreaching = considered.stream().filter(point -> !point.breaching()).toList();
    String fillNote =
        fills > 0 && treatment != null
            ? ", with " + datapoints(fills) + " treated as [" + label(treatment) + "]"
            : "";
    if (considered.isEmpty()) {
      return "Threshold Crossed: no datapoints were received for "
          + plural(periods, "period")
          + " and "
          + plural(fills, "missing datapoint")
          + " "
          + wasWere(fills)
          + " treated as ["
          + label(treatment)
          + "].";
    }
    if (state == AlarmState.ALARM) {
      int count = breaching.size() + (treatment == TreatMissingData.breaching ? fills : 0);
      return "Threshold Crossed: "
          + count
          + " out of the last "
          + outOf
          + " datapoints"
          + list(breaching)
          + " "
          + wasWere(count)
          + " "
          + crossing()
          + fillNote
          + " (minimum "
          + plural(rule.datapointsToAlarm(), "datapoint")
          + " "
          + transition(AlarmState.ALARM)
          + ").";
    }
    if (breaching.isEmpty()) {
      return "Threshold Crossed: no datapoints were "
          + crossing()
          + fillNote
          + ". The most recent datapoints which were not "
          + rule.comparison().phrase()
          + (rule.hasAnomalyBand() ? " the anomaly band:" : " the threshold:")
          + list(considered)
          + ".";
    }
    int count = notBreaching.size() + (treatment == TreatMissingData.notBreaching ? fills : 0);
    String minimum =
        withMinimum
            ? " (minimum "
                + plural(outOf - rule.datapointsToAlarm() + 1, "datapoint")
                + " "
                + transition(AlarmState.OK)
                + ")"
            : "";
    return "Threshold Crossed: "
        + count
        + " out of the last "
        + outOf
        + " datapoints"
        + list(notBreaching)
        + " "
        + wasWere(count)
        + " not "
        + crossing()
        + fillNote
        + minimum
        + ".";
  }

  String insufficientData() {
    return "Insufficient Data: "
        + plural(periods, "datapoint")
        + " "
        + wasWere(periods)
        + " unknown.";
  }

  String keptWithoutData() {
    return "Insufficient Data: "
        + plural(periods, "datapoint")
        + " "
        + wasWere(periods)
        + " unknown; missing data is ignored, so the alarm stays in "
        + current
        + ".";
  }

  /** ALARM by AWS's age guard: only breaching data, and the oldest of it at least M periods old. */
  String ageGuard(List<Point> real, int missing, int age) {
    return "Threshold Crossed: "
        + breachingSummary(real, missing)
        + "; the oldest breaching datapoint is "
        + plural(age, "period")
        + " old, at least the "
        + rule.datapointsToAlarm()
        + " needed "
        + transition(AlarmState.ALARM)
        + ".";
  }

  String keptIgnoringMissing(List<Point> real, int missing) {
    return "No change: "
        + breachingSummary(real, missing)
        + "; missing data is ignored, so the alarm stays in "
        + current
        + ".";
  }

  String keptTooYoung(List<Point> real, int missing, int age) {
    return "No change: "
        + breachingSummary(real, missing)
        + "; the oldest breaching datapoint is only "
        + plural(age, "period")
        + " old, fewer than the "
        + rule.datapointsToAlarm()
        + " needed to decide, so the alarm stays in "
        + current
        + ".";
  }

  private String breachingSummary(List<Point> real, int missing) {
    return real.size()
        + " out of the last "
        + real.size()
        + " datapoints"
        + list(real)
        + " "
        + wasWere(real.size())
        + " "
        + crossing()
        + ", with "
        + datapoints(missing)
        + " treated as ["
        + label(rule.treatMissingData())
        + "]";
  }

  private String crossing() {
    if (rule.hasAnomalyBand()) {
      return rule.comparison().phrase()
          + " the anomaly band (width "
          + rule.anomalyBand().width()
          + ")";
    }
    return rule.comparison().phrase() + " the threshold (" + rule.threshold() + ")";
  }

  private String transition(AlarmState target) {
    return current == target
        ? "to stay in " + target
        : "for " + current + " -> " + target + " transition";
  }

  private static String list(List<Point> points) {
    if (points.isEmpty()) {
      return "";
    }
    return points.stream()
        .map(
            point ->
                point.datapoint().value()
                    + " ("
                    + TIME.format(point.datapoint().periodStart())
                    + ")")
        .collect(Collectors.joining(", ", " [", "]"));
  }

  private static String datapoints(int missing) {
    return plural(missing, "missing datapoint");
  }

  private static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  private static String wasWere(int count) {
    return count == 1 ? "was" : "were";
  }

  /** CloudWatch's spelling of the treatments in reasons: [Breaching], [NonBreaching]. */
  private static String label(TreatMissingData treatment) {
    return switch (treatment) {
      case missing -> "Missing";
      case notBreaching -> "NonBreaching";
      case breaching -> "Breaching";
      case ignore -> "Ignore";
    };
  }
}
