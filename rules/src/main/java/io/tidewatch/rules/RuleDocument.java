package io.tidewatch.rules;

import java.util.Objects;

/**
 * One rule as it travels on the rules topic: its kind ({@code alarm}, {@code compositeAlarm},
 * {@code notifications}, {@code action}), its name, and its definition as the user wrote it, in
 * JSON. Re-loading documents goes through the same {@link RuleLoader} as rule files, so a processor
 * accepts exactly what {@code rules check} accepted.
 */
public record RuleDocument(String kind, String name, String json) {

  public RuleDocument {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(json, "json");
  }

  /** {@code kind/name}: the record key on the rules topic. */
  public String id() {
    return kind + "/" + name;
  }
}
