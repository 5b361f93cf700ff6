package io.tidewatch.rules.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One input series of a rule test: sample {@code i} has timestamp {@code i * every} (the first at
 * the epoch), and a null value is a missing sample ({@code _}).
 *
 * @param dimensions the series' full dimension set (an alarm selects it when its selector's
 *     dimensions are a subset)
 * @param values expanded from the {@code values} notation, nulls for missing samples
 */
public record InputSeries(
    String namespace,
    String name,
    SortedMap<String, String> dimensions,
    Duration every,
    List<Double> values) {

  public InputSeries {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    dimensions = Collections.unmodifiableSortedMap(new TreeMap<>(dimensions));
    Objects.requireNonNull(every, "every");
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("every must be positive, found " + every);
    }
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  public InputSeries(
      String namespace,
      String name,
      Map<String, String> dimensions,
      Duration every,
      List<Double> values) {
    this(namespace, name, new TreeMap<>(dimensions), every, values);
  }
}
