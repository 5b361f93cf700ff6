package io.tidewatch.ingest.otlp;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import io.tidewatch.model.metric.Distribution;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads a quantile back out of a distribution's sketch, the way the alarm engine decodes it. */
final class PercentileSketchProbe {

  private PercentileSketchProbe() {}

  static double quantile(Distribution distribution, double quantile) {
    DDSketch sketch =
        DDSketches.collapsingLowestDense(
            DistributionBuilder.RELATIVE_ACCURACY, DistributionBuilder.MAX_BINS);
    try {
      sketch.decodeAndMergeWith(ByteArrayInput.wrap(distribution.sketch()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sketch.getValueAtQuantile(quantile);
  }
}
