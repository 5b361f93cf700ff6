package io.tidewatch.model.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.proto.MetricPointMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code tw.metrics} values: a {@link MetricBatch} as one {@code MetricPointMessage}, a single
 * point as the plain message (so {@link Codecs#METRIC_POINT} writes valid records too) and a batch
 * as a message holding only its {@code batch} field.
 */
final class MetricBatchCodec extends ProtobufCodec<MetricBatch, MetricPointMessage> {

  private final MetricPointCodec points = new MetricPointCodec();

  @Override
  public byte[] encode(MetricBatch batch) {
    MetricBatchBytes bytes = new MetricBatchBytes();
    for (MetricPoint point : batch.points()) {
      bytes.add(MetricPointWriter.seriesFields(point.series()), point);
    }
    return bytes.toRecordValue();
  }

  @Override
  MetricPointMessage toMessage(MetricBatch batch) {
    if (batch.size() == 1) {
      return points.toMessage(batch.points().get(0));
    }
    MetricPointMessage.Builder message = MetricPointMessage.newBuilder();
    for (MetricPoint point : batch.points()) {
      message.addBatch(points.toMessage(point));
    }
    return message.build();
  }

  @Override
  MetricPointMessage parse(byte[] bytes) throws InvalidProtocolBufferException {
    return MetricPointMessage.parseFrom(bytes);
  }

  @Override
  MetricBatch fromMessage(MetricPointMessage message) {
    if (message.getBatchCount() == 0) {
      return MetricBatch.of(points.fromMessage(message));
    }
    if (!message.getName().isEmpty() || !message.getNamespace().isEmpty()) {
      throw new IllegalArgumentException("a record is either one point or a batch, not both");
    }
    List<MetricPoint> batch = new ArrayList<>(message.getBatchCount());
    for (MetricPointMessage point : message.getBatchList()) {
      if (point.getBatchCount() > 0) {
        throw new IllegalArgumentException("batches do not nest");
      }
      batch.add(points.fromMessage(point));
    }
    return new MetricBatch(batch);
  }

  /** One point as its JSON object; a batch as a JSON array of them. */
  @Override
  public String toJson(MetricBatch batch) {
    if (batch.size() == 1) {
      return points.toJson(batch.points().get(0));
    }
    return batch.points().stream().map(points::toJson).collect(Collectors.joining(",", "[", "]"));
  }
}
