package io.tidewatch.ingest.agent;

import java.util.List;

/** An agent configuration that cannot be used; every problem with its {@code file:line:col}. */
public final class AgentConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public AgentConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
