package io.tidewatch.streams.alarm;

import io.tidewatch.model.metric.Distribution;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The compact binary form of {@link AlarmDatapoint} on the repartition topic: every datapoint
 * crosses it, so it is written field by field instead of as JSON. Layout: version byte, rule,
 * groupBy entry count and entries, series key, timestamp, value; version 2 (a distribution point)
 * then count, sum, min, max, sketch length and sketch bytes. Plain datapoints stay version 1.
 */
final class AlarmDatapointSerde {

  private static final byte VERSION = 1;
  private static final byte VERSION_WITH_DISTRIBUTION = 2;

  private AlarmDatapointSerde() {}

  static Serde<AlarmDatapoint> serde() {
    return Serdes.serdeFrom(
        (topic, datapoint) -> datapoint == null ? null : write(datapoint),
        (topic, bytes) -> bytes == null ? null : read(topic, bytes));
  }

  private static byte[] write(AlarmDatapoint datapoint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      Distribution distribution = datapoint.distribution();
      out.writeByte(distribution == null ? VERSION : VERSION_WITH_DISTRIBUTION);
      out.writeUTF(datapoint.rule());
      out.writeShort(datapoint.instance().size());
      for (Map.Entry<String, String> dimension : datapoint.instance().entrySet()) {
        out.writeUTF(dimension.getKey());
        out.writeUTF(dimension.getValue());
      }
      out.writeUTF(datapoint.series());
      out.writeLong(datapoint.timestampMillis());
      out.writeDouble(datapoint.value());
      if (distribution != null) {
        out.writeLong(distribution.count());
        out.writeDouble(distribution.sum());
        out.writeDouble(distribution.min());
        out.writeDouble(distribution.max());
        byte[] sketch = distribution.sketch();
        out.writeInt(sketch.length);
        out.write(sketch);
      }
    } catch (IOException e) {
      throw new SerializationException("cannot write an alarm datapoint", e);
    }
    return bytes.toByteArray();
  }

  private static AlarmDatapoint read(String topic, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != VERSION && version != VERSION_WITH_DISTRIBUTION) {
        throw new SerializationException(
            "unknown alarm datapoint version " + version + " on " + topic);
      }
      String rule = in.readUTF();
      int dimensions = in.readUnsignedShort();
      Map<String, String> instance = new LinkedHashMap<>();
      for (int i = 0; i < dimensions; i++) {
        instance.put(in.readUTF(), in.readUTF());
      }
      String series = in.readUTF();
      long timestamp = in.readLong();
      double value = in.readDouble();
      Distribution distribution = null;
      if (version == VERSION_WITH_DISTRIBUTION) {
        long count = in.readLong();
        double sum = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        byte[] sketch = new byte[in.readInt()];
        in.readFully(sketch);
        distribution = new Distribution(count, sum, min, max, sketch);
      }
      return new AlarmDatapoint(rule, instance, series, timestamp, value, distribution);
    } catch (IOException | IllegalArgumentException | NegativeArraySizeException e) {
      throw new SerializationException("not an alarm datapoint on " + topic, e);
    }
  }
}
