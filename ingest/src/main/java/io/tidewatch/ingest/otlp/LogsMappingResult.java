package io.tidewatch.ingest.otlp;

import io.tidewatch.model.log.LogEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one OTLP logs export request became.
 *
 * @param accepted the events to write, in request order
 * @param rejectedByReason how many log records were refused, by reason; their sum is OTLP's {@code
 *     rejected_log_records}
 * @param errorMessage why they were refused, for OTLP's partial success; empty when none was
 */
record LogsMappingResult(
    List<LogEvent> accepted, Map<OtlpRejectReason, Integer> rejectedByReason, String errorMessage) {
  LogsMappingResult {
    accepted = List.copyOf(accepted);
    Objects.requireNonNull(errorMessage, "errorMessage");
    rejectedByReason = Map.copyOf(rejectedByReason);
    if (rejectedByReason.values().stream().anyMatch(count -> count < 0)) {
      throw new IllegalArgumentException(
          "rejectedByReason: counts >= 0. Found: " + rejectedByReason);
    }
  }

  /** How many were refused, for whatever reason. */
  int rejected() {
    return rejectedByReason.values().stream().mapToInt(Integer::intValue).sum();
  }
}
