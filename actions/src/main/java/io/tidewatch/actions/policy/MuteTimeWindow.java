package io.tidewatch.actions.policy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named set of time intervals during which a route's firing notifications are muted
 * (Alertmanager's {@code mute_time_intervals}): weekdays, times of day and a time zone. Resolved
 * notifications of alerts that were notified are still delivered.
 */
public record MuteTimeWindow(String name, List<Interval> intervals) {

  public MuteTimeWindow {
    Objects.requireNonNull(name, "name");
    intervals = List.copyOf(intervals);
  }

  public boolean contains(Instant instant) {
    return intervals.stream().anyMatch(interval -> interval.contains(instant));
  }

  /**
   * @param weekdays the days it applies to, in its time zone; empty means every day
   * @param times times of day; empty means all day. A range whose end is not after its start runs
   *     past midnight ({@code 22:00-07:00}), on the days when it starts
   */
  public record Interval(Set<DayOfWeek> weekdays, List<TimeRange> times, ZoneId timezone) {
    public Interval {
      weekdays = Set.copyOf(weekdays);
      times = List.copyOf(times);
      Objects.requireNonNull(timezone, "timezone");
    }

    public boolean contains(Instant instant) {
      ZonedDateTime local = instant.atZone(timezone);
      LocalTime time = local.toLocalTime();
      if (times.isEmpty()) {
        return weekdays.isEmpty() || weekdays.contains(local.getDayOfWeek());
      }
      for (TimeRange range : times) {
        if (range.wraps()) {
          if (!time.isBefore(range.start()) && day(local.getDayOfWeek())) {
            return true;
          }
          if (time.isBefore(range.end()) && day(local.getDayOfWeek().minus(1))) {
            return true;
          }
        } else if (!time.isBefore(range.start())
            && time.isBefore(range.end())
            && day(local.getDayOfWeek())) {
          return true;
        }
      }
      return false;
    }

    private boolean day(DayOfWeek day) {
      return weekdays.isEmpty() || weekdays.contains(day);
    }
  }

  /** {@code [start, end)}; {@code 24:00} is written as end {@code 00:00}. */
  public record TimeRange(LocalTime start, LocalTime end) {
    public TimeRange {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
    }

    boolean wraps() {
      return !end.isAfter(start);
    }
  }
}
