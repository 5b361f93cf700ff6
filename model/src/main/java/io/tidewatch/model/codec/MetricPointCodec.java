package io.tidewatch.model.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.proto.MetricPointMessage;
import io.tidewatch.model.proto.StatisticSet;
import java.time.Instant;

/** {@code tw.metrics} values: {@link MetricPoint} as a {@code MetricPointMessage}. */
final class MetricPointCodec extends ProtobufCodec<MetricPoint, MetricPointMessage> {

  @Override
  MetricPointMessage toMessage(MetricPoint point) {
    MetricPointMessage.Builder message =
        MetricPointMessage.newBuilder()
            .setNamespace(point.series().namespace())
            .setName(point.series().name())
            .putAllDimensions(point.series().dimensions())
            .setTimestampMillis(point.timestamp().toEpochMilli())
            .setValue(point.value())
            .setUnit(point.unit());
    Distribution distribution = point.distribution();
    if (distribution != null) {
      message.setStatistics(
          StatisticSet.newBuilder()
              .setCount(distribution.count())
              .setSum(distribution.sum())
              .setMin(distribution.min())
              .setMax(distribution.max())
              .setSketch(ByteString.copyFrom(distribution.sketch())));
    }
    return message.build();
  }

  @Override
  MetricPointMessage parse(byte[] bytes) throws InvalidProtocolBufferException {
    return MetricPointMessage.parseFrom(bytes);
  }

  @Override
  MetricPoint fromMessage(MetricPointMessage message) {
    if (message.getBatchCount() > 0) {
      throw new IllegalArgumentException(
          "a batch of "
              + message.getBatchCount()
              + " points, not one point: read tw.metrics with Codecs.METRIC_BATCH");
    }
    return new MetricPoint(
        SeriesId.of(message.getNamespace(), message.getName(), message.getDimensionsMap()),
        Instant.ofEpochMilli(message.getTimestampMillis()),
        message.getValue(),
        message.getUnit(),
        message.hasStatistics() ? distribution(message.getStatistics()) : null);
  }

  private static Distribution distribution(StatisticSet statistics) {
    return new Distribution(
        statistics.getCount(),
        statistics.getSum(),
        statistics.getMin(),
        statistics.getMax(),
        statistics.getSketch().toByteArray());
  }

  @Override
  public String toJson(MetricPoint point) {
    return JsonCodec.write(point);
  }
}
