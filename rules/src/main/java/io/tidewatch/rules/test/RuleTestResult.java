package io.tidewatch.rules.test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one test of a rule-test file.
 *
 * @param file the test file, as diagnostics name it
 * @param time how long the test took
 * @param failures empty when the test passed
 */
public record RuleTestResult(
    String file, String name, Duration time, List<RuleTestFailure> failures) {

  public RuleTestResult {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(time, "time");
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
