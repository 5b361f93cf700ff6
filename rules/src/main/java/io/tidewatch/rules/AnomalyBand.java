package io.tidewatch.rules;

/**
 * An alarm's anomaly band ({@code anomalyBand: {width: 2}}, like CloudWatch's {@code
 * ANOMALY_DETECTION_BAND(m, 2)}): the band is {@code mean ± width · deviation} of the alarm's own
 * datapoints, learned per alarm instance by {@link io.tidewatch.rules.alarm.AnomalyModel}, and the
 * alarm compares each datapoint with the band as learned before it ({@code
 * GreaterThanUpperThreshold}, {@code LessThanLowerThreshold} or {@code
 * LessThanLowerOrGreaterThanUpperThreshold}).
 *
 * @param width how many deviations the band reaches on each side of the mean, above 0
 */
public record AnomalyBand(double width) {

  public AnomalyBand {
    if (!(width > 0) || !Double.isFinite(width)) {
      throw new IllegalArgumentException("an anomaly band's width is above 0, found " + width);
    }
  }
}
