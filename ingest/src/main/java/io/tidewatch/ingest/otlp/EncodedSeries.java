package io.tidewatch.ingest.otlp;

import io.tidewatch.model.codec.MetricPointWriter;
import io.tidewatch.model.metric.SeriesId;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * A series with what writing its points to {@code tw.metrics} needs, worked out once per series
 * ({@link SeriesCatalog}) rather than once per point.
 *
 * @param id the series
 * @param key {@code id.key()}: a lone point's record key, and part of a cumulative stream's
 *     identity
 * @param positiveHash murmur2 of the UTF-8 key, made positive: modulo the partition count it is the
 *     partition Kafka's default partitioner gives the key
 * @param fields the point's encoded series fields ({@link MetricPointWriter#seriesFields})
 */
record EncodedSeries(SeriesId id, String key, int positiveHash, byte[] fields) {

  EncodedSeries {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fields, "fields");
  }

  static EncodedSeries of(SeriesId id) {
    String key = id.key();
    return new EncodedSeries(
        id,
        key,
        Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))),
        MetricPointWriter.seriesFields(id));
  }
}
