package io.tidewatch.model.metric;

import java.util.Arrays;

/**
 * The samples of one period of a distribution-valued series, as an OTLP histogram, exponential
 * histogram or summary point describes them: an exact statistic set (count, sum, min, max) and a
 * mergeable percentile sketch, so that an alarm can take any CloudWatch statistic of them,
 * percentiles included, and merge the points of several series or exporters.
 *
 * @param count how many samples; at least 1 (a period without samples is an absent point)
 * @param min the smallest sample (or the best bound the source gave), at most {@code max}
 * @param sketch the samples' DDSketch binary encoding ({@code com.datadoghq:sketches-java}, {@code
 *     DDSketch.encode}) with a logarithmic index mapping at relative accuracy 0.005, the sketch the
 *     alarm engine merges into; empty when there is no sketch (no percentiles then)
 */
public record Distribution(long count, double sum, double min, double max, byte[] sketch) {

  public Distribution {
    if (count < 1) {
      throw new IllegalArgumentException("a distribution has at least one sample, got " + count);
    }
    if (!Double.isFinite(sum) || !Double.isFinite(min) || !Double.isFinite(max)) {
      throw new IllegalArgumentException(
          "sum, min and max must be finite, got sum=" + sum + " min=" + min + " max=" + max);
    }
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " is above max " + max);
    }
    sketch = sketch == null ? new byte[0] : sketch.clone();
  }

  /** The mean of the samples: the value a reader that knows only plain values sees. */
  public double mean() {
    return sum / count;
  }

  /** The sketch's encoding (a copy). */
  @Override
  public byte[] sketch() {
    return sketch.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Distribution that
        && count == that.count
        && Double.compare(sum, that.sum) == 0
        && Double.compare(min, that.min) == 0
        && Double.compare(max, that.max) == 0
        && Arrays.equals(sketch, that.sketch);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(count) + Arrays.hashCode(sketch);
  }

  @Override
  public String toString() {
    return "Distribution[count="
        + count
        + ", sum="
        + sum
        + ", min="
        + min
        + ", max="
        + max
        + ", sketch="
        + sketch.length
        + " bytes]";
  }
}
