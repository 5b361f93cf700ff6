package io.tidewatch.streams.alarm;

import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.RuleSet;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alarms in force for one stream processor, replaced as a whole when {@code tw.rules} changes.
 * Processors read {@link #current()} per record; a new rule set is visible to them on their next
 * record or punctuation, without a restart.
 */
public final class RuleRegistry {

  private volatile AlarmCatalog catalog;

  private static final Logger LOG = LoggerFactory.getLogger(RuleRegistry.class);

  private RuleRegistry(AlarmCatalog catalog) {
    this.catalog = catalog;
  }

  /** A registry that starts with {@code rules}. */
  public static RuleRegistry of(RuleSet rules) {
    warnAboutUnsupported(rules);
    return new RuleRegistry(new AlarmCatalog(rules));
  }

  public void update(RuleSet rules) {
    this.catalog = new AlarmCatalog(Objects.requireNonNull(rules, "rules"));
    warnAboutUnsupported(rules);
  }

  /**
   * Metric math is evaluated by {@code rules test} and {@code rules backtest} but not yet by the
   * stream processor: say so loudly rather than let such alarms sit silently.
   */
  private static void warnAboutUnsupported(RuleSet rules) {
    for (AlarmRule rule : rules.alarms()) {
      if (rule.hasMetricMath()) {
        LOG.warn(
            "alarm '{}' uses metric math, which the stream processor does not evaluate yet; it"
                + " stays INSUFFICIENT_DATA (rules test evaluates it)",
            rule.name());
      }
    }
  }

  public RuleSet rules() {
    return catalog.rules();
  }

  AlarmCatalog current() {
    return catalog;
  }
}
