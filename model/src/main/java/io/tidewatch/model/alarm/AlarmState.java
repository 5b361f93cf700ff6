package io.tidewatch.model.alarm;

/**
 * The three states of a CloudWatch-style alarm; a new alarm starts in {@link #INSUFFICIENT_DATA}.
 */
public enum AlarmState {
  OK,
  ALARM,
  INSUFFICIENT_DATA
}
