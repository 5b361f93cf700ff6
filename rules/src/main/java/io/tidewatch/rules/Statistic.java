package io.tidewatch.rules;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The statistic an alarm computes over one period: one of CloudWatch's exact statistics or a
 * percentile such as {@code p99} or {@code p99.9}. Spelled as in CloudWatch, case-sensitive.
 */
public sealed interface Statistic permits Statistic.Basic, Statistic.Percentile {

  Statistic AVERAGE = new Basic(Kind.Average);
  Statistic SUM = new Basic(Kind.Sum);
  Statistic MINIMUM = new Basic(Kind.Minimum);
  Statistic MAXIMUM = new Basic(Kind.Maximum);
  Statistic SAMPLE_COUNT = new Basic(Kind.SampleCount);

  /** The name as written in rule files and in CloudWatch, e.g. {@code Average} or {@code p99}. */
  String label();

  /** The exact statistics; constant names are CloudWatch's spelling. */
  enum Kind {
    Average,
    Sum,
    Minimum,
    Maximum,
    SampleCount
  }

  /** An exact statistic. */
  record Basic(Kind kind) implements Statistic {
    public Basic {
      Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String label() {
      return kind.name();
    }
  }

  /**
   * A percentile, {@code 0 <= p <= 100}. Percentiles come from mergeable sketches (within 1%
   * relative error, RULES.md section 2): see {@link io.tidewatch.rules.alarm.Aggregate#of(double,
   * Statistic)}.
   */
  record Percentile(double p) implements Statistic {
    public Percentile {
      if (!(p >= 0 && p <= 100)) {
        throw new IllegalArgumentException("a percentile is between 0 and 100, found " + p);
      }
    }

    @Override
    public String label() {
      return "p" + BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }
  }

  /**
   * Parses a statistic as written in a rule file.
   *
   * @throws UnknownStatisticException when {@code text} is neither an exact statistic nor a
   *     percentile {@code pNN} / {@code pNN.N}; it carries a did-you-mean suggestion
   */
  static Statistic parse(String text) {
    return tryParse(text).orElseThrow(() -> new UnknownStatisticException(text));
  }

  /** As {@link #parse(String)}, empty instead of an exception. */
  static Optional<Statistic> tryParse(String text) {
    Objects.requireNonNull(text, "text");
    for (Kind kind : Kind.values()) {
      if (kind.name().equals(text)) {
        return Optional.of(new Basic(kind));
      }
    }
    Matcher percentile = StatisticNames.PERCENTILE.matcher(text);
    if (percentile.matches()) {
      double p = Double.parseDouble(percentile.group(1));
      if (p <= 100) {
        return Optional.of(new Percentile(p));
      }
    }
    return Optional.empty();
  }

  /** The names accepted besides percentiles, for messages. */
  static List<String> names() {
    return Arrays.stream(Kind.values()).map(Kind::name).toList();
  }

  /** A statistic name that is not one; {@link #getMessage()} names the nearest valid one. */
  final class UnknownStatisticException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String text;
    private final String suggestion;

    UnknownStatisticException(String text) {
      this(text, StatisticNames.suggest(text));
    }

    private UnknownStatisticException(String text, Optional<String> suggestion) {
      super(StatisticNames.message(text, suggestion));
      this.text = text;
      this.suggestion = suggestion.orElse(null);
    }

    /** The statistic as written. */
    public String text() {
      return text;
    }

    /** The nearest valid statistic, if one is close enough. */
    public Optional<String> suggestion() {
      return Optional.ofNullable(suggestion);
    }

    /** Every exact statistic name; percentiles are {@code p} followed by 0 to 100. */
    public List<String> validNames() {
      return names();
    }
  }
}
