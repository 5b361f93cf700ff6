package io.tidewatch.actions.core;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an executor may use from its surroundings.
 *
 * @param environment where secrets and endpoints come from ({@code SLACK_BOT_TOKEN}, ...): the
 *     process environment in production, a map in tests
 */
public record ProviderContext(Map<String, String> environment, Clock clock) {

  public ProviderContext {
    environment = Map.copyOf(environment);
    Objects.requireNonNull(clock, "clock");
  }

  public Optional<String> env(String name) {
    return Optional.ofNullable(environment.get(name)).filter(value -> !value.isBlank());
  }
}
