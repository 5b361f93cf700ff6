package io.tidewatch.ingest.otlp;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The items (data points or log records) of one export refused so far: counted by reason, and
 * described for OTLP's partial-success message by a bounded, grouped list of details.
 */
final class Rejections {
  private static final int MAX_REASONS = 5;

  private final String singular;
  private final String plural;
  private final String counted;
  private final Map<String, Integer> reasons = new LinkedHashMap<>();
  private final Map<OtlpRejectReason, Integer> byReason = new EnumMap<>(OtlpRejectReason.class);
  private int count;
  private int unlisted;

  /**
   * @param singular what one item is called in the message, e.g. {@code data point}
   * @param plural what several are called, e.g. {@code data points}
   * @param counted what several are called after a count of one reason's, e.g. {@code points}
   */
  Rejections(String singular, String plural, String counted) {
    this.singular = singular;
    this.plural = plural;
    this.counted = counted;
  }

  /** {@code items} refused for {@code why}, described by {@code reason}. */
  void add(OtlpRejectReason why, String reason, int items) {
    if (items == 0) {
      return;
    }
    count += items;
    byReason.merge(why, items, Integer::sum);
    if (reasons.containsKey(reason) || reasons.size() < MAX_REASONS) {
      reasons.merge(reason, items, Integer::sum);
    } else {
      unlisted += items;
    }
  }

  Map<OtlpRejectReason, Integer> byReason() {
    return byReason;
  }

  String message() {
    if (count == 0) {
      return "";
    }
    StringBuilder message =
        new StringBuilder("rejected ")
            .append(count)
            .append(' ')
            .append(count == 1 ? singular : plural)
            .append(": ");
    boolean first = true;
    for (Map.Entry<String, Integer> reason : reasons.entrySet()) {
      if (!first) {
        message.append("; ");
      }
      message.append(reason.getKey());
      if (reason.getValue() > 1) {
        message.append(" (").append(reason.getValue()).append(' ').append(counted).append(')');
      }
      first = false;
    }
    if (unlisted > 0) {
      message.append("; and ").append(unlisted).append(" more for other reasons");
    }
    return message.toString();
  }
}
