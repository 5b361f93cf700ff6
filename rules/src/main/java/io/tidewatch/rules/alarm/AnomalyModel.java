package io.tidewatch.rules.alarm;

import io.tidewatch.rules.AnomalyBand;
import java.util.Optional;

/**
 * The learned normal of one alarm instance's datapoints: an exponentially weighted mean and
 * variance, updated with every real datapoint in time order (West's incremental form):
 *
 * <pre>
 * diff     = x - mean
 * mean     = mean + α · diff
 * variance = (1 - α) · (variance + α · diff²)
 * </pre>
 *
 * with {@code α = } {@link #SMOOTHING} (0.1: a datapoint's weight halves about every 6.6 periods,
 * so the band follows level shifts within tens of periods). The band is {@code mean ± width ·
 * √variance}; there is none until {@link #WARM_UP} datapoints were learned (the alarm sees its
 * datapoints as missing meanwhile, as CloudWatch does while its model trains). A datapoint is
 * compared with the band learned from the datapoints before it, then learned itself.
 *
 * <p>A record so that a state store can keep it as JSON (Jackson, record components).
 *
 * @param count how many datapoints were learned
 */
public record AnomalyModel(long count, double mean, double variance) {

  /** α, the weight of the newest datapoint. */
  public static final double SMOOTHING = 0.1;

  /** Datapoints learned before the model gives a band. */
  public static final int WARM_UP = 10;

  private static final AnomalyModel EMPTY = new AnomalyModel(0, 0, 0);

  public AnomalyModel {
    if (count < 0 || !(variance >= 0) || !Double.isFinite(mean)) {
      throw new IllegalArgumentException(
          "count and variance must not be negative and the mean finite, found "
              + count
              + ", "
              + mean
              + ", "
              + variance);
    }
  }

  /** Nothing learned yet. */
  public static AnomalyModel empty() {
    return EMPTY;
  }

  /** This model after one more datapoint; a NaN or infinite one is not learned. */
  public AnomalyModel learn(double value) {
    if (!Double.isFinite(value)) {
      return this;
    }
    if (count == 0) {
      return new AnomalyModel(1, value, 0);
    }
    double diff = value - mean;
    double next = mean + SMOOTHING * diff;
    double spread = (1 - SMOOTHING) * (variance + SMOOTHING * diff * diff);
    if (!Double.isFinite(next) || !Double.isFinite(spread)) {
      return this;
    }
    return new AnomalyModel(count + 1, next, spread);
  }

  /** The standard deviation learned so far. */
  public double deviation() {
    return Math.sqrt(variance);
  }

  /** The band of {@code band}'s width, once {@link #WARM_UP} datapoints were learned. */
  public Optional<Band> band(AnomalyBand band) {
    if (count < WARM_UP) {
      return Optional.empty();
    }
    double reach = band.width() * deviation();
    return Optional.of(new Band(mean - reach, mean + reach));
  }

  /** The normal range of a datapoint. */
  public record Band(double lower, double upper) {
    public Band {
      if (!(lower <= upper)) {
        throw new IllegalArgumentException(
            "a band's lower bound is not above its upper one, found " + lower + ".." + upper);
      }
    }
  }
}
