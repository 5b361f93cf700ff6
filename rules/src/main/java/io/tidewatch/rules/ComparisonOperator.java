package io.tidewatch.rules;

/**
 * How a datapoint is compared with the threshold, or with an anomaly band (the last three), with
 * CloudWatch's names.
 */
public enum ComparisonOperator {
  GreaterThanOrEqualToThreshold("greater than or equal to"),
  GreaterThanThreshold("greater than"),
  LessThanThreshold("less than"),
  LessThanOrEqualToThreshold("less than or equal to"),
  /** Above the anomaly band. */
  GreaterThanUpperThreshold("greater than the upper threshold of"),
  /** Below the anomaly band. */
  LessThanLowerThreshold("less than the lower threshold of"),
  /** Outside the anomaly band. */
  LessThanLowerOrGreaterThanUpperThreshold("outside");

  private final String phrase;

  ComparisonOperator(String phrase) {
    this.phrase = phrase;
  }

  /**
   * Whether {@code value} breaches {@code threshold}; NaN never breaches.
   *
   * @throws IllegalStateException for a band comparison, which needs {@link #breaches(double,
   *     double, double)}
   */
  public boolean breaches(double value, double threshold) {
    return switch (this) {
      case GreaterThanOrEqualToThreshold -> value >= threshold;
      case GreaterThanThreshold -> value > threshold;
      case LessThanThreshold -> value < threshold;
      case LessThanOrEqualToThreshold -> value <= threshold;
      default ->
          throw new IllegalStateException(
              name() + " compares with an anomaly band: use breaches(value, lower, upper)");
    };
  }

  /**
   * Whether {@code value} breaches the band {@code [lower, upper]}; NaN never breaches.
   *
   * @throws IllegalStateException for a threshold comparison
   */
  public boolean breaches(double value, double lower, double upper) {
    return switch (this) {
      case GreaterThanUpperThreshold -> value > upper;
      case LessThanLowerThreshold -> value < lower;
      case LessThanLowerOrGreaterThanUpperThreshold -> value < lower || value > upper;
      default ->
          throw new IllegalStateException(
              name() + " compares with a threshold: use breaches(value, threshold)");
    };
  }

  /** Whether this compares with an anomaly band rather than a threshold. */
  public boolean isBand() {
    return this == GreaterThanUpperThreshold
        || this == LessThanLowerThreshold
        || this == LessThanLowerOrGreaterThanUpperThreshold;
  }

  /** The words used in reasons, as in "were greater than the threshold (70.0)". */
  public String phrase() {
    return phrase;
  }
}
