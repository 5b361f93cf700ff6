package io.tidewatch.rules;

/**
 * How periods without data count when fewer than {@code evaluationPeriods} real datapoints are in
 * the evaluation range (RULES.md section 2). Constant names are the YAML spelling, as in
 * CloudWatch's API.
 */
public enum TreatMissingData {
  /** The default: decide on the real datapoints only, else INSUFFICIENT_DATA. */
  missing,
  /** Missing periods are filled as not breaching. */
  notBreaching,
  /** Missing periods are filled as breaching. */
  breaching,
  /** As {@link #missing}, but never INSUFFICIENT_DATA or an age-guard ALARM: the state is kept. */
  ignore
}
