package io.tidewatch.ingest.otlp;

/**
 * Why a whole OTLP export request was refused, before any of its points or records could be looked
 * at; the lower-case name is the {@code reason} tag of {@code tidewatch_discarded_total}, which
 * counts such a request as one item (its points or records are not known). Refusals the exporter is
 * to retry (503: overloaded, Kafka unavailable) are not counted: the data comes again.
 */
public enum OtlpRequestRejectReason {
  /** 415: a {@code Content-Type} or {@code Content-Encoding} the receiver does not take. */
  REQUEST_UNSUPPORTED_MEDIA_TYPE,
  /** 413: a body larger than {@code maxBodyBytes}, as sent or decompressed. */
  REQUEST_TOO_LARGE,
  /** 400: a body that is not an export request (bad protobuf, JSON or gzip, wrong JSON types). */
  REQUEST_MALFORMED,
  /** The body did not arrive within {@code bodyTimeout}: the connection was closed. */
  REQUEST_TIMEOUT,
  /** 413: Kafka refused a record of the request as too large; sent again it would be again. */
  RECORD_TOO_LARGE
}
