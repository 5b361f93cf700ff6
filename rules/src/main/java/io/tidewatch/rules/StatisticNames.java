package io.tidewatch.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Spellings of {@link Statistic}s, kept off the public surface of the interface. */
final class StatisticNames {

  static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,3}(?:\\.\\d{1,10})?)");

  /**
   * Spellings people bring from other tools (Prometheus, Datadog, SQL), mapped to ours, so that a
   * typo such as {@code avgg} still suggests {@code Average}.
   */
  private static final Map<String, String> ALIASES =
      Map.of(
          "avg", "Average",
          "mean", "Average",
          "median", "p50",
          "min", "Minimum",
          "max", "Maximum",
          "count", "SampleCount",
          "total", "Sum");

  private StatisticNames() {}

  static Optional<String> suggest(String text) {
    Map<String, String> spellings = new LinkedHashMap<>();
    for (String name : Statistic.names()) {
      spellings.put(name, name);
    }
    spellings.putAll(ALIASES);
    return DidYouMean.closest(text, spellings);
  }

  static String message(String text, Optional<String> suggestion) {
    return "unknown statistic '"
        + text
        + "'"
        + suggestion
            .map(s -> " (did you mean '" + s + "'?)")
            .orElse(
                " (expected one of "
                    + String.join(", ", Statistic.names())
                    + " or a percentile such as p99 or p99.9)");
  }
}
