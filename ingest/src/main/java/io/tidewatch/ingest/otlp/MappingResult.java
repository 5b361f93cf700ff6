package io.tidewatch.ingest.otlp;

import io.tidewatch.model.metric.MetricPoint;
import java.util.List;
import java.util.Objects;

/**
 * What one OTLP export request became.
 *
 * @param accepted the points to write, in request order
 * @param rejected how many data points were refused (OTLP's {@code rejected_data_points})
 * @param errorMessage why they were refused, for OTLP's partial success; empty when none was
 */
record MappingResult(List<MetricPoint> accepted, int rejected, String errorMessage) {
  MappingResult {
    accepted = List.copyOf(accepted);
    Objects.requireNonNull(errorMessage, "errorMessage");
    if (rejected < 0) {
      throw new IllegalArgumentException("rejected must be >= 0. Found: " + rejected);
    }
  }
}
