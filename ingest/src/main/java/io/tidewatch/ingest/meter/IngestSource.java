package io.tidewatch.ingest.meter;

/**
 * The ingest paths, as the {@code source} tag of {@code tidewatch_ingested_total} and {@code
 * tidewatch_discarded_total}. The tag values are stable: dashboards and alerts select on them.
 */
public enum IngestSource {
  /** OTLP metrics export requests (HTTP and gRPC); items are data points. */
  OTLP_METRICS("otlp-metrics"),
  /** OTLP logs export requests (HTTP and gRPC); items are log records. */
  OTLP_LOGS("otlp-logs"),
  /** The Kafka Connect file source connector ({@code tidewatch ingest}); items are lines. */
  FILE_CONNECTOR("file-connector"),
  /** The agent's tailed log files; items are lines. */
  AGENT("agent"),
  /** {@code tidewatch logs import}; items are lines. */
  IMPORT("import");

  private final String tag;

  IngestSource(String tag) {
    this.tag = tag;
  }

  /** The {@code source} tag value, e.g. {@code otlp-metrics}. */
  public String tag() {
    return tag;
  }
}
