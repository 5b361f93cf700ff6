package io.tidewatch.actions.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * When a group of alerts is notified, with Alertmanager's meanings: wait {@code groupWait} after a
 * group's first alert (to collect its siblings), then at most every {@code groupInterval} when the
 * group changes, and again every {@code repeatInterval} while it keeps firing.
 */
public record Timing(Duration groupWait, Duration groupInterval, Duration repeatInterval) {

  /** Alertmanager's defaults: 30s, 5m, 4h. */
  public static final Timing ALERTMANAGER =
      new Timing(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));

  /**
   * For an action used without a {@code notifications:} section: every alert on its own, sent at
   * once (as CloudWatch does), repeated every 4h while firing.
   */
  public static final Timing IMMEDIATE =
      new Timing(Duration.ZERO, Duration.ZERO, Duration.ofHours(4));

  public Timing {
    Objects.requireNonNull(groupWait, "groupWait");
    Objects.requireNonNull(groupInterval, "groupInterval");
    Objects.requireNonNull(repeatInterval, "repeatInterval");
    if (groupWait.isNegative() || groupInterval.isNegative() || repeatInterval.isNegative()) {
      throw new IllegalArgumentException("timings must not be negative: " + this);
    }
  }
}
