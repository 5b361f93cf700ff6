package io.tidewatch.ingest.otlp;

import io.tidewatch.model.codec.MetricBatchBytes;
import io.tidewatch.model.codec.MetricPointWriter;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Packs the points of one export into few {@code tw.metrics} records: one batch per partition (more
 * when a batch would grow past {@link #MAX_POINTS} points or {@link #MAX_BYTES} bytes), each sent
 * to the partition its series keys hash to with Kafka's default key partitioning (murmur2 of the
 * UTF-8 key). A point that is alone on its partition goes as a plain single-point record keyed by
 * its series, exactly as an unbatched writer would send it.
 *
 * <p>Why: a Kafka record costs a few microseconds in the producer, more than decoding an OTLP
 * point; a thousand-point export becomes about one record per partition instead of a thousand. Each
 * point is keyed and encoded at once, while its series is still in the CPU's cache.
 */
final class MetricBatcher {

  /** At most this many points per record. */
  static final int MAX_POINTS = 1_000;

  /** At most about this many bytes per record, well below Kafka's default 1 MiB record limit. */
  static final int MAX_BYTES = 256 * 1024;

  /**
   * What writing a point needs from its series, kept per series ({@link RecentSeries}).
   *
   * @param key the series key, a lone point's record key
   * @param positiveHash murmur2 of the UTF-8 key, made positive: modulo the partition count it is
   *     the partition Kafka's default partitioner gives the key
   * @param seriesFields the point's encoded series fields ({@link MetricPointWriter#seriesFields})
   */
  record SeriesWire(String key, int positiveHash, byte[] seriesFields) {
    static SeriesWire of(SeriesId series) {
      String key = series.key();
      return new SeriesWire(
          key,
          Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))),
          MetricPointWriter.seriesFields(series));
    }
  }

  private MetricBatcher() {}

  static List<ProducerRecord<String, byte[]>> records(
      String topic,
      List<MetricPoint> points,
      int partitions,
      RecentSeries<SeriesId, SeriesWire> wires) {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + topic + " has no partitions");
    }
    Pending[] open = new Pending[partitions];
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (MetricPoint point : points) {
      SeriesWire wire = wires.get(point.series(), SeriesWire::of);
      String key = wire.key();
      int partition = wire.positiveHash() % partitions;
      byte[] encoded = MetricPointWriter.point(wire.seriesFields(), point);
      Pending pending = open[partition];
      if (pending != null
          && (pending.bytes.points() >= MAX_POINTS
              || pending.bytes.bytes() + encoded.length > MAX_BYTES)) {
        records.add(pending.toRecord(topic, partition));
        pending = null;
      }
      if (pending == null) {
        pending = new Pending(key);
        open[partition] = pending;
      }
      pending.bytes.add(encoded);
    }
    for (int partition = 0; partition < partitions; partition++) {
      if (open[partition] != null) {
        records.add(open[partition].toRecord(topic, partition));
      }
    }
    return records;
  }

  private static final class Pending {
    private final String firstKey;
    private final MetricBatchBytes bytes = new MetricBatchBytes();

    Pending(String firstKey) {
      this.firstKey = firstKey;
    }

    ProducerRecord<String, byte[]> toRecord(String topic, int partition) {
      // A batch has no one series to be keyed by; a lone point keeps its series key.
      String key = bytes.points() == 1 ? firstKey : null;
      return new ProducerRecord<>(topic, partition, key, bytes.toRecordValue());
    }
  }
}
