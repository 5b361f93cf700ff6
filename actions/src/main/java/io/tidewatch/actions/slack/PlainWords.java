package io.tidewatch.actions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alarm reasons in plain words ("cpu_utilization 91.2 > 70 for 3 of the last 5 minutes"), from the
 * event's configuration and CloudWatch-style {@code reasonData}. Falls back to the CloudWatch
 * reason sentence when the event does not carry them. An alarm label {@code unit} (e.g. {@code %})
 * is written after the numbers.
 */
final class PlainWords {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPARKS = "▁▂▃▄▅▆▇█";
  private static final int SPARK_POINTS = 10;

  private PlainWords() {}

  /** The datapoints CloudWatch recorded, oldest first, and those that decided (newest first). */
  record Data(List<Double> recent, List<Double> evaluated) {}

  static Optional<Data> data(AlarmStateChange event) {
    String reasonData = event.detail().state().reasonData();
    if (reasonData == null || reasonData.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(reasonData);
      List<Double> recent = new ArrayList<>();
      root.path("recentDatapoints").forEach(value -> recent.add(value.asDouble()));
      List<Double> evaluated = new ArrayList<>();
      root.path("evaluatedDatapoints")
          .forEach(
              point -> {
                if (point.has("value")) {
                  evaluated.add(point.get("value").asDouble());
                }
              });
      return Optional.of(new Data(recent, evaluated));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Why the alarm is in its state, in one short line. */
  static String reason(AlarmStateChange event) {
    AlarmStateChange.Detail detail = event.detail();
    AlarmStateChange.Configuration config = detail.configuration();
    String fallback = detail.state().reason() == null ? "" : detail.state().reason();
    if (config == null || config.metricName() == null || config.comparisonOperator() == null) {
      return fallback;
    }
    Optional<Data> data = data(event);
    String metric = metric(config);
    String unit = detail.labels().getOrDefault("unit", "");
    String threshold = number(config.threshold(), unit);
    String window = window(config);
    AlarmState state = detail.state().value();
    if (state == AlarmState.INSUFFICIENT_DATA) {
      return "not enough data for " + metric + " in the last " + window;
    }
    Optional<Double> latest =
        data.flatMap(
            d ->
                d.recent().isEmpty()
                    ? Optional.empty()
                    : Optional.of(d.recent().get(d.recent().size() - 1)));
    if (latest.isEmpty()) {
      return fallback;
    }
    String value = number(latest.get(), unit);
    String operator = operator(config.comparisonOperator());
    if (state == AlarmState.ALARM) {
      long breaching =
          data.get().evaluated().isEmpty()
              ? config.datapointsToAlarm()
              : data.get().evaluated().stream()
                  .filter(point -> breaches(point, config.comparisonOperator(), config.threshold()))
                  .count();
      return metric
          + " "
          + value
          + " "
          + operator
          + " "
          + threshold
          + " for "
          + breaching
          + " of the last "
          + window;
    }
    return metric
        + " "
        + value
        + ", back "
        + opposite(config.comparisonOperator())
        + " "
        + threshold;
  }

  /** {@code ▂▃▆▇█ 50 · 61 · 88 · 91.2 · 95.5}, the newest datapoint last; empty without data. */
  static String sparkline(AlarmStateChange event) {
    Optional<Data> data = data(event);
    if (data.isEmpty() || data.get().recent().isEmpty()) {
      return "";
    }
    List<Double> all = data.get().recent();
    List<Double> points = all.subList(Math.max(0, all.size() - SPARK_POINTS), all.size());
    double min = points.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = points.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    StringBuilder bars = new StringBuilder();
    List<String> values = new ArrayList<>();
    String unit = event.detail().labels().getOrDefault("unit", "");
    for (double point : points) {
      int level =
          max == min ? 3 : (int) Math.round((point - min) / (max - min) * (SPARKS.length() - 1));
      bars.append(SPARKS.charAt(level));
      values.add(number(point, unit));
    }
    return "`" + bars + "` " + String.join(" · ", values);
  }

  /** {@code 5 minutes} for N one-minute periods, else {@code 3 periods of 5 minutes}. */
  static String window(AlarmStateChange.Configuration config) {
    Duration period = Duration.ofSeconds(config.periodSeconds());
    int periods = Math.max(1, config.evaluationPeriods());
    if (period.equals(Duration.ofMinutes(1))) {
      return plural(periods, "minute");
    }
    if (period.equals(Duration.ofHours(1))) {
      return plural(periods, "hour");
    }
    return plural(periods, "period") + " of " + duration(period);
  }

  private static String metric(AlarmStateChange.Configuration config) {
    String statistic = config.statistic();
    boolean percentile = statistic != null && statistic.matches("p\\d+(\\.\\d+)?");
    return (percentile ? statistic + " " : "") + config.metricName();
  }

  static boolean breaches(double value, String operator, double threshold) {
    return switch (operator) {
      case "GreaterThanThreshold" -> value > threshold;
      case "GreaterThanOrEqualToThreshold" -> value >= threshold;
      case "LessThanThreshold" -> value < threshold;
      case "LessThanOrEqualToThreshold" -> value <= threshold;
      default -> false;
    };
  }

  private static String operator(String operator) {
    return switch (operator) {
      case "GreaterThanThreshold" -> ">";
      case "GreaterThanOrEqualToThreshold" -> "≥";
      case "LessThanThreshold" -> "<";
      case "LessThanOrEqualToThreshold" -> "≤";
      default -> operator;
    };
  }

  private static String opposite(String operator) {
    return switch (operator) {
      case "GreaterThanThreshold" -> "to ≤";
      case "GreaterThanOrEqualToThreshold" -> "below";
      case "LessThanThreshold" -> "to ≥";
      case "LessThanOrEqualToThreshold" -> "above";
      default -> "within";
    };
  }

  /** At most two decimals, no trailing zeros: {@code 91.2}, {@code 70}, {@code 0.05}. */
  static String number(double value, String unit) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    String text =
        new BigDecimal(value)
            .setScale(2, RoundingMode.HALF_UP)
            .stripTrailingZeros()
            .toPlainString();
    if (unit == null || unit.isEmpty()) {
      return text;
    }
    return unit.equals("%") ? text + "%" : text + " " + unit;
  }

  /** {@code 45s}, {@code 12m}, {@code 1h 5m}, {@code 2d 3h}. */
  static String duration(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3600;
    long minutes = seconds % 3600 / 60;
    if (days > 0) {
      return days + "d" + (hours > 0 ? " " + hours + "h" : "");
    }
    if (hours > 0) {
      return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
    }
    if (minutes > 0) {
      return minutes + "m";
    }
    return seconds + "s";
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
