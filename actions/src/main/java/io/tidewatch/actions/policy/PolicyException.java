package io.tidewatch.actions.policy;

import java.util.List;

/**
 * A {@code notifications:} section that cannot be used; {@link #problems()} lists every problem.
 */
public final class PolicyException extends IllegalArgumentException {

  private final List<String> problems;

  public PolicyException(List<String> problems) {
    super("invalid notifications section:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
