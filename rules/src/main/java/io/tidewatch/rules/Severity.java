package io.tidewatch.rules;

/** An error makes {@code rules check} exit 1 and {@code rules apply} refuse; a warning does not. */
public enum Severity {
  ERROR,
  WARNING
}
