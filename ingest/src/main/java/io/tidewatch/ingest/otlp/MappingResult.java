package io.tidewatch.ingest.otlp;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one OTLP export request became: the data points ({@code MetricPoint}) or log records ({@code
 * LogEvent}) to write and what was refused.
 *
 * @param accepted what to write, in request order
 * @param rejectedByReason how many were refused, by reason; their sum is OTLP's {@code
 *     rejected_data_points} or {@code rejected_log_records}
 * @param errorMessage why they were refused, for OTLP's partial success; empty when none was
 */
record MappingResult<T>(
    List<T> accepted, Map<OtlpRejectReason, Integer> rejectedByReason, String errorMessage) {
  MappingResult {
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
