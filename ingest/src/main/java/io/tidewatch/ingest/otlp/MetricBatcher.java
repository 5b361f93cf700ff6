package io.tidewatch.ingest.otlp;

import io.tidewatch.model.codec.MetricBatchBytes;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

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

  /**
   * A record is closed once it holds this many bytes (so it ends at most one point above), well
   * below Kafka's default 1 MiB record limit.
   */
  static final int MAX_BYTES = 256 * 1024;

  private MetricBatcher() {}

  static List<ProducerRecord<String, byte[]>> records(
      String topic, List<MappedPoint> points, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + topic + " has no partitions");
    }
    Pending[] open = new Pending[partitions];
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (MappedPoint point : points) {
      EncodedSeries series = point.series();
      int partition = series.positiveHash() % partitions;
      Pending pending = open[partition];
      if (pending != null
          && (pending.bytes.points() >= MAX_POINTS || pending.bytes.bytes() >= MAX_BYTES)) {
        records.add(pending.toRecord(topic, partition));
        pending = null;
      }
      if (pending == null) {
        pending = new Pending(series.key());
        open[partition] = pending;
      }
      pending.bytes.add(series.fields(), point.point());
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
