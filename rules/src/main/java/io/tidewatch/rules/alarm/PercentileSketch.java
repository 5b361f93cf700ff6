package io.tidewatch.rules.alarm;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An immutable, mergeable quantile sketch (DDSketch) of the samples of one period: every percentile
 * it answers is within {@link #RELATIVE_ACCURACY} (0.5%) of the exact value at the same rank, so
 * within RULES.md's 1%, and merging the sketches of parts gives the sketch of the whole.
 *
 * <p>Memory is bounded: each sign keeps at most {@link #MAX_BINS} bins, which covers values over
 * about eight orders of magnitude at full accuracy; beyond that the smallest magnitudes are merged
 * (only the lowest percentiles lose accuracy). Infinite samples are clamped to the largest value
 * the sketch indexes.
 *
 * <p>In JSON (e.g. a state store) a sketch is one base64 string of DDSketch's binary encoding.
 */
public final class PercentileSketch {

  /** The sketch's relative accuracy: half of the 1% RULES.md allows. */
  public static final double RELATIVE_ACCURACY = 0.005;

  /** Bins per sign. */
  public static final int MAX_BINS = 2048;

  private final DDSketch sketch;
  private byte[] encoded;

  private PercentileSketch(DDSketch sketch) {
    this.sketch = sketch;
  }

  private static DDSketch newSketch() {
    return DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
  }

  /** A sketch without samples. */
  public static PercentileSketch empty() {
    return new PercentileSketch(newSketch());
  }

  /** A sketch of one sample; a NaN sample is no sample. */
  public static PercentileSketch of(double value) {
    return empty().add(value);
  }

  /** This sketch with one more sample; a NaN sample is ignored. */
  public PercentileSketch add(double value) {
    if (Double.isNaN(value)) {
      return this;
    }
    DDSketch copy = sketch.copy();
    double max = sketch.getIndexMapping().maxIndexableValue();
    copy.accept(Math.max(-max, Math.min(max, value)));
    return new PercentileSketch(copy);
  }

  /** The sketch of both sketches' samples. */
  public PercentileSketch merge(PercentileSketch other) {
    if (other.sketch.isEmpty()) {
      return this;
    }
    if (sketch.isEmpty()) {
      return other;
    }
    DDSketch copy = sketch.copy();
    copy.mergeWith(other.sketch);
    return new PercentileSketch(copy);
  }

  /** How many samples the sketch holds. */
  public long count() {
    return Math.round(sketch.getCount());
  }

  /**
   * The value at {@code quantile} (0 to 1) of the samples, within the relative accuracy of the
   * exact sample at rank {@code quantile * (count - 1)}; NaN without samples.
   */
  public double quantile(double quantile) {
    if (!(quantile >= 0 && quantile <= 1)) {
      throw new IllegalArgumentException("a quantile is between 0 and 1, found " + quantile);
    }
    return sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(quantile);
  }

  /** DDSketch's binary encoding, base64: what JSON holds. */
  @JsonValue
  public String toBase64() {
    return Base64.getEncoder().encodeToString(encoded());
  }

  /**
   * Reads {@link #toBase64()}'s form.
   *
   * @throws IllegalArgumentException when the text is not such an encoding
   */
  @JsonCreator
  public static PercentileSketch fromBase64(String base64) {
    Objects.requireNonNull(base64, "base64");
    try {
      DDSketch sketch = newSketch();
      sketch.decodeAndMergeWith(ByteArrayInput.wrap(Base64.getDecoder().decode(base64)));
      return new PercentileSketch(sketch);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an encoded percentile sketch: " + e.getMessage(), e);
    }
  }

  /** DDSketch's binary encoding (a copy): the compact form for binary stores. */
  public byte[] toBytes() {
    return encoded().clone();
  }

  /**
   * Reads {@link #toBytes()}'s form.
   *
   * @throws IllegalArgumentException when the bytes are not such an encoding
   */
  public static PercentileSketch fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      DDSketch sketch = newSketch();
      sketch.decodeAndMergeWith(ByteArrayInput.wrap(bytes));
      return new PercentileSketch(sketch);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an encoded percentile sketch: " + e.getMessage(), e);
    }
  }

  private byte[] encoded() {
    byte[] bytes = encoded;
    if (bytes == null) {
      GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
      try {
        sketch.encode(out, false);
      } catch (IOException e) {
        throw new UncheckedIOException("encoding into memory does not fail", e);
      }
      bytes = out.trimmedCopy();
      encoded = bytes;
    }
    return bytes;
  }

  /** Sketches are equal when their encodings are: the same bins with the same counts. */
  @Override
  public boolean equals(Object other) {
    return other instanceof PercentileSketch that && Arrays.equals(encoded(), that.encoded());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded());
  }

  @Override
  public String toString() {
    return "PercentileSketch[count=" + count() + "]";
  }
}
