package io.tidewatch.model.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.proto.Dimension;
import io.tidewatch.model.proto.MetricPointMessage;
import io.tidewatch.model.proto.StatisticSet;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;

/** {@code tw.metrics} values: {@link MetricPoint} as a {@code MetricPointMessage}. */
final class MetricPointCodec extends ProtobufCodec<MetricPoint, MetricPointMessage> {

  @Override
  public byte[] encode(MetricPoint point) {
    return MetricPointWriter.point(point);
  }

  @Override
  MetricPointMessage toMessage(MetricPoint point) {
    MetricPointMessage.Builder message =
        MetricPointMessage.newBuilder()
            .setNamespace(point.series().namespace())
            .setName(point.series().name())
            .setTimestampMillis(point.timestamp().toEpochMilli())
            .setValue(point.value())
            .setUnit(point.unit());
    point
        .series()
        .dimensions()
        .forEach(
            (key, value) ->
                message.addDimensions(Dimension.newBuilder().setKey(key).setValue(value)));
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
        new SeriesId(message.getNamespace(), message.getName(), dimensions(message)),
        Instant.ofEpochMilli(message.getTimestampMillis()),
        message.getValue(),
        message.getUnit(),
        message.hasStatistics() ? distribution(message.getStatistics()) : null);
  }

  /** The entries as a map; of repeated keys (which a map field would merge) the last wins. */
  private static SortedMap<String, String> dimensions(MetricPointMessage message) {
    SortedMap<String, String> dimensions = new TreeMap<>();
    for (Dimension dimension : message.getDimensionsList()) {
      dimensions.put(dimension.getKey(), dimension.getValue());
    }
    return dimensions;
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
