package io.tidewatch.rules.test;

import io.tidewatch.rules.SourceSpan;
import java.util.Objects;

/**
 * One unmet expectation of a rule test.
 *
 * @param span where the expectation is written
 * @param message one line, e.g. {@code expected ALARM at 6m for web-cpu-high{host=a}, got OK}
 * @param details what the alarm saw: its datapoints (period start → value), transitions and last
 *     reason; several lines, each ending with '\n'
 */
public record RuleTestFailure(SourceSpan span, String message, String details) {

  public RuleTestFailure {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(message, "message");
    details = details == null ? "" : details;
  }
}
