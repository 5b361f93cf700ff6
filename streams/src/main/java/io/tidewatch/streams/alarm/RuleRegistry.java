package io.tidewatch.streams.alarm;

import io.tidewatch.rules.RuleSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

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
    return new RuleRegistry(new AlarmCatalog(rules, Optional.empty()));
  }

  /** Puts {@code rules} in force, applied when the processors see them. */
  public void update(RuleSet rules) {
    update(rules, Optional.empty());
  }

  /**
   * Puts {@code rules} in force.
   *
   * @param appliedAt when they were applied ({@code rules apply}'s record on {@code tw.rules}), if
   *     known: an alarm without {@code groupBy} they add exists from then on (RULES.md section 2,
   *     "Lifetime"), however long they took to reach this processor
   */
  public void update(RuleSet rules, Optional<Instant> appliedAt) {
    this.catalog =
        new AlarmCatalog(
            Objects.requireNonNull(rules, "rules"), Objects.requireNonNull(appliedAt, "appliedAt"));
  }

  public RuleSet rules() {
    return catalog.rules();
  }

  AlarmCatalog current() {
    return catalog;
  }
}
