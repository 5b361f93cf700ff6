package io.tidewatch.rules;

/**
 * How a datapoint is compared with the threshold, with CloudWatch's names. Anomaly-band comparisons
 * ({@code GreaterThanUpperThreshold} and friends) arrive with anomaly bands.
 */
public enum ComparisonOperator {
  GreaterThanOrEqualToThreshold("greater than or equal to"),
  GreaterThanThreshold("greater than"),
  LessThanThreshold("less than"),
  LessThanOrEqualToThreshold("less than or equal to");

  private final String phrase;

  ComparisonOperator(String phrase) {
    this.phrase = phrase;
  }

  /** Whether {@code value} breaches {@code threshold}; NaN never breaches. */
  public boolean breaches(double value, double threshold) {
    return switch (this) {
      case GreaterThanOrEqualToThreshold -> value >= threshold;
      case GreaterThanThreshold -> value > threshold;
      case LessThanThreshold -> value < threshold;
      case LessThanOrEqualToThreshold -> value <= threshold;
    };
  }

  /** The words used in reasons, as in "were greater than the threshold (70.0)". */
  public String phrase() {
    return phrase;
  }
}
