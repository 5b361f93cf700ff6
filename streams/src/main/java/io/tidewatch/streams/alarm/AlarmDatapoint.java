package io.tidewatch.streams.alarm;

import io.tidewatch.model.metric.Distribution;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.alarm.Aggregate;
import java.util.Map;

/**
 * One metric sample routed to one alarm instance: the value that travels on the repartition topic
 * between the router (partitioned by series) and the evaluator (partitioned by alarm instance).
 *
 * @param distribution the samples of a distribution point (a histogram), or null for one value
 */
record AlarmDatapoint(
    String rule,
    Map<String, String> instance,
    String series,
    long timestampMillis,
    double value,
    Distribution distribution) {
  AlarmDatapoint {
    instance = Map.copyOf(instance);
  }

  /** A plain datapoint: one sample. */
  AlarmDatapoint(
      String rule,
      Map<String, String> instance,
      String series,
      long timestampMillis,
      double value) {
    this(rule, instance, series, timestampMillis, value, null);
  }

  /**
   * The samples this datapoint adds to its period, as an alarm with {@code statistic} keeps them.
   */
  Aggregate sample(Statistic statistic) {
    return distribution == null
        ? Aggregate.of(value, statistic)
        : Aggregate.of(distribution, statistic);
  }
}
