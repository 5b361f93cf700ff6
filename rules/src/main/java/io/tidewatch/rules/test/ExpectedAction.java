package io.tidewatch.rules.test;

import io.tidewatch.rules.SourceSpan;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code expectActions:} a named action fired for one alarm instance by the evaluation at exactly
 * {@code at} (a period end, when the transition happened). All expectations of one instance at one
 * time together must equal the actions fired then: a missing or an extra action fails the test.
 */
public record ExpectedAction(Duration at, String action, String alarm, SourceSpan span) {

  public ExpectedAction {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(alarm, "alarm");
    Objects.requireNonNull(span, "span");
  }
}
