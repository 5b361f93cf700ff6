package io.tidewatch.rules;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One metric alarm of a rule file, with CloudWatch's parameter meanings (RULES.md sections 1 and
 * 2). The loader fills the defaults; the compact constructor checks what the loader reports as
 * diagnostics, so that a rule built in code is just as valid.
 *
 * @param groupBy dimensions that split the selected series into alarm instances, one per value set
 * @param evaluationPeriods N: how many datapoints decide
 * @param datapointsToAlarm M: how many of the N must breach for ALARM, {@code 1 <= M <= N}
 * @param evaluationRange R: how many periods are looked at, newest first, to find N real datapoints
 *     ({@code R >= N}; CloudWatch uses N + 2)
 * @param allowedLateness how long after a period's end its data may still arrive and re-evaluate it
 * @param runbook a link for people paged by the alarm, or null
 * @param metricMath for a metric-math alarm, its metrics and expression, else null. A metric-math
 *     alarm's {@link #metric()} is {@link MetricSelector#none()} (it selects no series itself) and
 *     its {@link #statistic()} is a placeholder ({@code SampleCount}) that nothing computes: its
 *     datapoints come from {@link io.tidewatch.rules.alarm.MetricMathEvaluator} over the statistics
 *     of {@link MetricMath#metrics()}
 * @param anomalyBand for an anomaly-band alarm (a band {@link #comparison()}), its band, else null;
 *     such an alarm's {@link #threshold()} is a placeholder (0) that nothing compares with
 * @param maxInstances the most alarm instances ({@code groupBy} value sets) evaluated at once; a
 *     series of a further instance is not evaluated but counted, and the limit is reported once
 *     (default {@link #DEFAULT_MAX_INSTANCES})
 */
public record AlarmRule(
    String name,
    String description,
    MetricSelector metric,
    List<String> groupBy,
    Statistic statistic,
    Duration period,
    int evaluationPeriods,
    int datapointsToAlarm,
    int evaluationRange,
    ComparisonOperator comparison,
    double threshold,
    TreatMissingData treatMissingData,
    Duration allowedLateness,
    AlarmActions actions,
    Map<String, String> labels,
    String runbook,
    MetricMath metricMath,
    AnomalyBand anomalyBand,
    int maxInstances) {

  /** The cardinality limit of an alarm that does not set {@code maxInstances}. */
  public static final int DEFAULT_MAX_INSTANCES = 1000;

  public AlarmRule {
    Objects.requireNonNull(name, "name");
    RuleLimits.nameProblem("alarm", name).ifPresent(AlarmRule::outOfRange);
    description = description == null ? "" : description;
    Objects.requireNonNull(metric, "metric");
    groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    Objects.requireNonNull(statistic, "statistic");
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, found " + period);
    }
    RuleLimits.periodProblem(period).ifPresent(AlarmRule::outOfRange);
    if (evaluationPeriods < 1) {
      throw new IllegalArgumentException(
          "evaluationPeriods must be at least 1, found " + evaluationPeriods);
    }
    if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
      throw new IllegalArgumentException(
          "datapointsToAlarm must be between 1 and evaluationPeriods ("
              + evaluationPeriods
              + "), found "
              + datapointsToAlarm);
    }
    if (evaluationRange < evaluationPeriods) {
      throw new IllegalArgumentException(
          "evaluationRange must be at least evaluationPeriods ("
              + evaluationPeriods
              + "), found "
              + evaluationRange);
    }
    RuleLimits.evaluationProblem(period, evaluationPeriods).ifPresent(AlarmRule::outOfRange);
    RuleLimits.evaluationRangeProblem(period, evaluationRange).ifPresent(AlarmRule::outOfRange);
    Objects.requireNonNull(comparison, "comparison");
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be a finite number, found " + threshold);
    }
    treatMissingData = treatMissingData == null ? TreatMissingData.missing : treatMissingData;
    allowedLateness = allowedLateness == null ? Duration.ZERO : allowedLateness;
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowedLateness must not be negative");
    }
    RuleLimits.allowedLatenessProblem(allowedLateness).ifPresent(AlarmRule::outOfRange);
    actions = actions == null ? AlarmActions.none() : actions;
    labels = MetricSelector.sortedCopy(labels);
    if (comparison.isBand() != (anomalyBand != null)) {
      throw new IllegalArgumentException(
          anomalyBand == null
              ? comparison + " compares with an anomaly band: give the alarm an anomalyBand"
              : "an anomaly band needs a band comparison (GreaterThanUpperThreshold,"
                  + " LessThanLowerThreshold or LessThanLowerOrGreaterThanUpperThreshold), found "
                  + comparison);
    }
    if (maxInstances < 1) {
      throw new IllegalArgumentException("maxInstances must be at least 1, found " + maxInstances);
    }
  }

  private static void outOfRange(String problem) {
    throw new IllegalArgumentException(problem);
  }

  /** An alarm with the default cardinality limit. */
  public AlarmRule(
      String name,
      String description,
      MetricSelector metric,
      List<String> groupBy,
      Statistic statistic,
      Duration period,
      int evaluationPeriods,
      int datapointsToAlarm,
      int evaluationRange,
      ComparisonOperator comparison,
      double threshold,
      TreatMissingData treatMissingData,
      Duration allowedLateness,
      AlarmActions actions,
      Map<String, String> labels,
      String runbook,
      MetricMath metricMath,
      AnomalyBand anomalyBand) {
    this(
        name,
        description,
        metric,
        groupBy,
        statistic,
        period,
        evaluationPeriods,
        datapointsToAlarm,
        evaluationRange,
        comparison,
        threshold,
        treatMissingData,
        allowedLateness,
        actions,
        labels,
        runbook,
        metricMath,
        anomalyBand,
        DEFAULT_MAX_INSTANCES);
  }

  /** A plain or metric-math alarm without an anomaly band. */
  public AlarmRule(
      String name,
      String description,
      MetricSelector metric,
      List<String> groupBy,
      Statistic statistic,
      Duration period,
      int evaluationPeriods,
      int datapointsToAlarm,
      int evaluationRange,
      ComparisonOperator comparison,
      double threshold,
      TreatMissingData treatMissingData,
      Duration allowedLateness,
      AlarmActions actions,
      Map<String, String> labels,
      String runbook,
      MetricMath metricMath) {
    this(
        name,
        description,
        metric,
        groupBy,
        statistic,
        period,
        evaluationPeriods,
        datapointsToAlarm,
        evaluationRange,
        comparison,
        threshold,
        treatMissingData,
        allowedLateness,
        actions,
        labels,
        runbook,
        metricMath,
        null);
  }

  /** A plain alarm on one metric: the constructor from before metric math. */
  public AlarmRule(
      String name,
      String description,
      MetricSelector metric,
      List<String> groupBy,
      Statistic statistic,
      Duration period,
      int evaluationPeriods,
      int datapointsToAlarm,
      int evaluationRange,
      ComparisonOperator comparison,
      double threshold,
      TreatMissingData treatMissingData,
      Duration allowedLateness,
      AlarmActions actions,
      Map<String, String> labels,
      String runbook) {
    this(
        name,
        description,
        metric,
        groupBy,
        statistic,
        period,
        evaluationPeriods,
        datapointsToAlarm,
        evaluationRange,
        comparison,
        threshold,
        treatMissingData,
        allowedLateness,
        actions,
        labels,
        runbook,
        null,
        null);
  }

  /** Whether the alarm compares with a learned anomaly band ({@link #anomalyBand()}). */
  public boolean hasAnomalyBand() {
    return anomalyBand != null;
  }

  /** Whether the alarm's datapoints come from a metric-math expression ({@link #metricMath()}). */
  public boolean hasMetricMath() {
    return metricMath != null;
  }

  /**
   * This rule with metric math instead of its own metric: {@link #metric()} becomes {@link
   * MetricSelector#none()} and {@link #statistic()} the {@code SampleCount} placeholder.
   */
  public AlarmRule withMetricMath(MetricMath math) {
    return new AlarmRule(
        name,
        description,
        MetricSelector.none(),
        groupBy,
        Statistic.SAMPLE_COUNT,
        period,
        evaluationPeriods,
        datapointsToAlarm,
        evaluationRange,
        comparison,
        threshold,
        treatMissingData,
        allowedLateness,
        actions,
        labels,
        runbook,
        java.util.Objects.requireNonNull(math, "math"),
        anomalyBand,
        maxInstances);
  }

  /**
   * The groupBy values of the alarm instance a series belongs to, in groupBy order, or empty when
   * the series lacks one of the groupBy dimensions (it then belongs to no instance of this alarm).
   * Without groupBy every selected series belongs to the one instance, whose values are empty.
   */
  public Optional<Map<String, String>> instanceOf(Map<String, String> seriesDimensions) {
    Map<String, String> instance = new LinkedHashMap<>();
    for (String dimension : groupBy) {
      String value = seriesDimensions.get(dimension);
      if (value == null) {
        return Optional.empty();
      }
      instance.put(dimension, value);
    }
    return Optional.of(Collections.unmodifiableMap(instance));
  }

  /**
   * The id of one alarm instance, as the stream processor keys it: {@code web-cpu-high{host=a}}
   * ({@code dimension=value} in groupBy order, comma-separated), or the bare name without groupBy.
   *
   * @param instance the groupBy values, as from {@link #instanceOf(Map)}
   */
  public String instanceId(Map<String, String> instance) {
    if (groupBy.isEmpty()) {
      return name;
    }
    StringBuilder id = new StringBuilder(name).append('{');
    for (int i = 0; i < groupBy.size(); i++) {
      if (i > 0) {
        id.append(',');
      }
      id.append(groupBy.get(i)).append('=').append(instance.get(groupBy.get(i)));
    }
    return id.append('}').toString();
  }

  /**
   * A rule with the loader's defaults for everything not given: {@code evaluationRange = N + 2}, no
   * groupBy, description, lateness, actions, labels or runbook.
   */
  public static AlarmRule of(
      String name,
      MetricSelector metric,
      Statistic statistic,
      Duration period,
      int evaluationPeriods,
      int datapointsToAlarm,
      ComparisonOperator comparison,
      double threshold,
      TreatMissingData treatMissingData) {
    return new AlarmRule(
        name,
        "",
        metric,
        List.of(),
        statistic,
        period,
        evaluationPeriods,
        datapointsToAlarm,
        evaluationPeriods + 2,
        comparison,
        threshold,
        treatMissingData,
        Duration.ZERO,
        AlarmActions.none(),
        Map.of(),
        null);
  }
}
