package io.tidewatch.ingest.otlp;

import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Packs the points of one export into few {@code tw.metrics} records: one batch per partition (more
 * when a batch would grow past {@link #MAX_POINTS} points or about {@link #MAX_BYTES} bytes), each
 * sent to the partition its series keys hash to with Kafka's default key partitioning (murmur2 of
 * the UTF-8 key). A point that is alone on its partition goes as a plain single-point record keyed
 * by its series, exactly as an unbatched writer would send it.
 *
 * <p>Why: a Kafka record costs a few microseconds in the producer, more than decoding an OTLP
 * point; a thousand-point export becomes about one record per partition instead of a thousand.
 */
final class MetricBatcher {

  /** At most this many points per record. */
  static final int MAX_POINTS = 1_000;

  /** About this many encoded bytes per record, well below Kafka's default 1 MiB record limit. */
  static final int MAX_BYTES = 256 * 1024;

  private MetricBatcher() {}

  static List<ProducerRecord<String, MetricBatch>> records(
      String topic, List<MetricPoint> points, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + topic + " has no partitions");
    }
    List<Pending> open = new ArrayList<>(partitions);
    for (int i = 0; i < partitions; i++) {
      open.add(null);
    }
    List<ProducerRecord<String, MetricBatch>> records = new ArrayList<>();
    for (MetricPoint point : points) {
      String key = point.series().key();
      int partition = partitionOf(key, partitions);
      int bytes = estimatedBytes(point, key);
      Pending pending = open.get(partition);
      if (pending != null
          && (pending.points.size() >= MAX_POINTS || pending.bytes + bytes > MAX_BYTES)) {
        records.add(pending.toRecord(topic, partition));
        pending = null;
      }
      if (pending == null) {
        pending = new Pending(key);
        open.set(partition, pending);
      }
      pending.points.add(point);
      pending.bytes += bytes;
    }
    for (int partition = 0; partition < partitions; partition++) {
      Pending pending = open.get(partition);
      if (pending != null) {
        records.add(pending.toRecord(topic, partition));
      }
    }
    return records;
  }

  /** The partition Kafka's default partitioner gives a record with this (String) key. */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private static int estimatedBytes(MetricPoint point, String key) {
    int sketch = point.distribution() == null ? 0 : point.distribution().sketch().length + 48;
    return 48 + key.length() + point.unit().length() + sketch;
  }

  private static final class Pending {
    private final String firstKey;
    private final List<MetricPoint> points = new ArrayList<>();
    private int bytes;

    Pending(String firstKey) {
      this.firstKey = firstKey;
    }

    ProducerRecord<String, MetricBatch> toRecord(String topic, int partition) {
      // A batch has no one series to be keyed by; a lone point keeps its series key.
      String key = points.size() == 1 ? firstKey : null;
      return new ProducerRecord<>(topic, partition, key, new MetricBatch(points));
    }
  }
}
