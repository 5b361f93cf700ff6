package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.SourceSpan;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code expect:} the state of one alarm instance once every period that ended at or before {@code
 * at} was evaluated.
 *
 * @param alarm an instance id such as {@code web-cpu-high{host=a}}, or the bare name of an alarm
 *     without groupBy
 * @param span where the expectation is written, for messages
 */
public record ExpectedState(Duration at, String alarm, AlarmState state, SourceSpan span) {

  public ExpectedState {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(alarm, "alarm");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(span, "span");
  }
}
