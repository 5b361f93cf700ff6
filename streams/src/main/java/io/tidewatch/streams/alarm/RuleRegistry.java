package io.tidewatch.streams.alarm;

import io.tidewatch.rules.RuleSet;
import java.util.Objects;

/**
 * The alarms in force for one stream processor, replaced as a whole when {@code tw.rules} changes.
 * Processors read {@link #current()} per record; a new rule set is visible to them on their next
 * record or punctuation, without a restart.
 */
public final class RuleRegistry {

  private volatile AlarmCatalog catalog;

  private RuleRegistry(AlarmCatalog catalog) {
    this.catalog = catalog;
  }

  /** A registry that starts with {@code rules}. */
  public static RuleRegistry of(RuleSet rules) {
    return new RuleRegistry(new AlarmCatalog(rules));
  }

  public void update(RuleSet rules) {
    this.catalog = new AlarmCatalog(Objects.requireNonNull(rules, "rules"));
  }

  public RuleSet rules() {
    return catalog.rules();
  }

  AlarmCatalog current() {
    return catalog;
  }
}
