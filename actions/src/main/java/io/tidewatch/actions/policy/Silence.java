package io.tidewatch.actions.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A silence (Alertmanager's): while active, firing notifications of alerts whose labels match every
 * matcher are muted. Created with {@code tidewatch silence add}, kept on a compacted topic.
 * Resolved notifications of alerts that were notified before are still delivered.
 *
 * @param updatedAt when this version was written (an expired silence keeps its record, with {@code
 *     endsAt} moved to the time it was expired)
 */
public record Silence(
    String id,
    List<Matcher> matchers,
    Instant startsAt,
    Instant endsAt,
    String createdBy,
    String comment,
    Instant updatedAt) {

  /** Where a silence is in its life at a given time. */
  public enum Status {
    PENDING,
    ACTIVE,
    EXPIRED
  }

  public Silence {
    Objects.requireNonNull(id, "id");
    matchers = List.copyOf(matchers);
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(endsAt, "endsAt");
    createdBy = createdBy == null ? "" : createdBy;
    comment = comment == null ? "" : comment;
  }

  public Status status(Instant at) {
    if (!at.isBefore(endsAt)) {
      return Status.EXPIRED;
    }
    return at.isBefore(startsAt) ? Status.PENDING : Status.ACTIVE;
  }

  /** Whether this silence mutes an alert with these labels at this time. */
  public boolean mutes(Map<String, String> labels, Instant at) {
    return status(at) == Status.ACTIVE
        && matchers.stream().allMatch(matcher -> matcher.matches(labels));
  }
}
