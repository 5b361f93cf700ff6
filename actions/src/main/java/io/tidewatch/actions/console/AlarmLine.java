package io.tidewatch.actions.console;

import io.tidewatch.model.alarm.AlarmStateChange;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** One human-readable line per state change, for the console and the alarm log. */
final class AlarmLine {

  private AlarmLine() {}

  /** {@code 2026-11-22T04:05:12Z ALARM web-cpu-high{host=a} (was OK) Threshold Crossed: ...} */
  static String format(AlarmStateChange change) {
    AlarmStateChange.Detail detail = change.detail();
    String previous = detail.previousState() == null ? "-" : detail.previousState().value().name();
    String reason = detail.state().reason() == null ? "" : detail.state().reason();
    return DateTimeFormatter.ISO_INSTANT.format(change.time().truncatedTo(ChronoUnit.SECONDS))
        + " "
        + detail.state().value()
        + " "
        + detail.alarmInstance()
        + " (was "
        + previous
        + ") "
        + reason;
  }
}
