package io.tidewatch.ingest.otlp;

/**
 * Why an OTLP data point or log record was refused; the lower-case name is the {@code reason} tag
 * of {@code tidewatch_discarded_total} (e.g. {@code nan}). The partial-success message says more.
 */
public enum OtlpRejectReason {
  /** The metric has no name: none of its points can be stored. */
  NO_NAME,
  /** A number data point carries neither a double nor an integer value. */
  NO_VALUE,
  /** A value, sum, min, max or quantile is NaN. */
  NAN,
  /** A value, sum, min, max or quantile is +Infinity or -Infinity. */
  INFINITE,
  /**
   * A histogram, exponential histogram or summary point whose parts do not agree (bucket counts
   * against bounds or count, a negative count, decreasing quantiles).
   */
  INCONSISTENT,
  /** The log group taken from the resource attribute is longer than a log group may be. */
  LOG_GROUP_TOO_LONG,
  /**
   * A metric name, unit or namespace longer than {@value FieldLimits#MAX_NAME_CHARS} characters.
   */
  NAME_TOO_LONG,
  /** An attribute key or value (of the resource, point or record) longer than its limit. */
  ATTRIBUTE_TOO_LONG,
  /** A log record body longer than {@value FieldLimits#MAX_LOG_BODY_CHARS} characters. */
  BODY_TOO_LONG;

  /** {@link #NAN} or {@link #INFINITE} for a value that is not finite. */
  static OtlpRejectReason nonFinite(double value) {
    return Double.isNaN(value) ? NAN : INFINITE;
  }
}
