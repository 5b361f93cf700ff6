package io.tidewatch.ingest.otlp;

import io.tidewatch.model.log.LogEvent;
import java.util.List;
import java.util.Objects;

/**
 * What one OTLP logs export request became.
 *
 * @param accepted the events to write, in request order
 * @param rejected how many log records were refused (OTLP's {@code rejected_log_records})
 * @param errorMessage why they were refused, for OTLP's partial success; empty when none was
 */
record LogsMappingResult(List<LogEvent> accepted, int rejected, String errorMessage) {
  LogsMappingResult {
    accepted = List.copyOf(accepted);
    Objects.requireNonNull(errorMessage, "errorMessage");
    if (rejected < 0) {
      throw new IllegalArgumentException("rejected must be >= 0. Found: " + rejected);
    }
  }
}
