package io.tidewatch.ingest.parse;

/**
 * Why a log line was not parsed. Stable names: they appear in {@code parseError}, in metrics
 * ({@code reason} label) and in tests.
 */
public enum RejectReason {
  /** The line is empty or blank. */
  EMPTY,
  /** The line is longer than the configured maximum (256 KiB by default). */
  TOO_LONG,
  /** The bytes are not valid UTF-8 (or the string holds an unpaired surrogate). */
  INVALID_UTF8,
  /** The line holds a NUL character. */
  NUL,
  /** The line holds other control characters (anything below 0x20 but TAB and ESC, or DEL). */
  BINARY,
  /** The line is the header of its format (S3 flow-log files start with the field names). */
  HEADER,
  /** The line does not have the number of fields its format has. */
  WRONG_FIELD_COUNT,
  /** A field has a value its type does not allow (a number or a time that does not parse). */
  BAD_FIELD,
  /** The line does not follow its format (a literal such as {@code " [} is missing). */
  NO_MATCH,
  /** The line is not a JSON object. */
  INVALID_JSON,
  /** The JSON object has more fields, or longer flattened names, than the parser keeps. */
  TOO_MANY_FIELDS,
  /** The parser failed unexpectedly; a bug, reported instead of thrown. */
  INTERNAL_ERROR
}
