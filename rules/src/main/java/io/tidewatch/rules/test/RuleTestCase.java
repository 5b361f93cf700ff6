package io.tidewatch.rules.test;

import io.tidewatch.rules.SourceSpan;
import java.util.List;
import java.util.Objects;

/** One entry of a rule-test file's {@code tests:}. */
public record RuleTestCase(
    String name,
    SourceSpan span,
    List<InputSeries> series,
    List<ExpectedState> expect,
    List<ExpectedAction> expectActions) {

  public RuleTestCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(span, "span");
    series = List.copyOf(series);
    expect = List.copyOf(expect);
    expectActions = List.copyOf(expectActions);
  }
}
