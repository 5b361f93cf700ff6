package io.tidewatch.rules.alarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.Statistic;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * CloudWatch's {@code reasonData} document: what the evaluation looked at, machine-readable. Field
 * names and the timestamp format ({@code 2023-08-04T12:30:00.000+0000}) are CloudWatch's; a
 * percentile goes in {@code extendedStatistic} as there. {@code sampleCount} of each evaluated
 * datapoint is not included: the evaluator gets values only.
 */
final class ReasonData {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

  private ReasonData() {}

  /**
   * @param newestFirst every period of the evaluation range
   * @param evaluated the datapoints that decided, newest first
   */
  static String json(
      AlarmRule rule,
      List<PeriodDatapoint> newestFirst,
      List<PeriodDatapoint> evaluated,
      Instant queryDate) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.put("queryDate", TIMESTAMP.format(queryDate));
    if (!newestFirst.isEmpty()) {
      root.put(
          "startDate", TIMESTAMP.format(newestFirst.get(newestFirst.size() - 1).periodStart()));
    }
    Statistic statistic = rule.statistic();
    if (rule.hasMetricMath()) {
      root.put("expression", rule.metricMath().expression());
    } else {
      root.put(
          statistic instanceof Statistic.Percentile ? "extendedStatistic" : "statistic",
          statistic.label());
    }
    root.put("period", rule.period().toSeconds());
    ArrayNode recent = root.putArray("recentDatapoints");
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      if (newestFirst.get(i).isPresent()) {
        recent.add(newestFirst.get(i).value());
      }
    }
    if (rule.hasAnomalyBand()) {
      root.put("anomalyBandWidth", rule.anomalyBand().width());
    } else {
      root.put("threshold", rule.threshold());
    }
    ArrayNode points = root.putArray("evaluatedDatapoints");
    for (PeriodDatapoint datapoint : evaluated) {
      ObjectNode point = points.addObject();
      point.put("timestamp", TIMESTAMP.format(datapoint.periodStart()));
      if (datapoint.isPresent()) {
        point.put("value", datapoint.value());
      }
      if (datapoint.band() != null) {
        point.put("lowerBound", datapoint.band().lower());
        point.put("upperBound", datapoint.band().upper());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings and numbers always serializes", e);
    }
  }
}
