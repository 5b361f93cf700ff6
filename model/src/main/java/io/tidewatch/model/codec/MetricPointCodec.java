package io.tidewatch.model.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.proto.MetricPointMessage;
import java.time.Instant;

/** {@code tw.metrics} values: {@link MetricPoint} as a {@code MetricPointMessage}. */
final class MetricPointCodec extends ProtobufCodec<MetricPoint, MetricPointMessage> {

  @Override
  MetricPointMessage toMessage(MetricPoint point) {
    return MetricPointMessage.newBuilder()
        .setNamespace(point.series().namespace())
        .setName(point.series().name())
        .putAllDimensions(point.series().dimensions())
        .setTimestampMillis(point.timestamp().toEpochMilli())
        .setValue(point.value())
        .setUnit(point.unit())
        .build();
  }

  @Override
  MetricPointMessage parse(byte[] bytes) throws InvalidProtocolBufferException {
    return MetricPointMessage.parseFrom(bytes);
  }

  @Override
  MetricPoint fromMessage(MetricPointMessage message) {
    return new MetricPoint(
        SeriesId.of(message.getNamespace(), message.getName(), message.getDimensionsMap()),
        Instant.ofEpochMilli(message.getTimestampMillis()),
        message.getValue(),
        message.getUnit());
  }

  @Override
  public String toJson(MetricPoint point) {
    return JsonCodec.write(point);
  }
}
