package io.tidewatch.streams.alarm;

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
 * groupBy entry count and entries, series key, timestamp, value.
 */
final class AlarmDatapointSerde {

  private static final byte VERSION = 1;

  private AlarmDatapointSerde() {}

  static Serde<AlarmDatapoint> serde() {
    return Serdes.serdeFrom(
        (topic, datapoint) -> datapoint == null ? null : write(datapoint),
        (topic, bytes) -> bytes == null ? null : read(topic, bytes));
  }

  private static byte[] write(AlarmDatapoint datapoint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(datapoint.rule());
      out.writeShort(datapoint.instance().size());
      for (Map.Entry<String, String> dimension : datapoint.instance().entrySet()) {
        out.writeUTF(dimension.getKey());
        out.writeUTF(dimension.getValue());
      }
      out.writeUTF(datapoint.series());
      out.writeLong(datapoint.timestampMillis());
      out.writeDouble(datapoint.value());
    } catch (IOException e) {
      throw new SerializationException("cannot write an alarm datapoint", e);
    }
    return bytes.toByteArray();
  }

  private static AlarmDatapoint read(String topic, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new SerializationException(
            "unknown alarm datapoint version " + version + " on " + topic);
      }
      String rule = in.readUTF();
      int dimensions = in.readUnsignedShort();
      Map<String, String> instance = new LinkedHashMap<>();
      for (int i = 0; i < dimensions; i++) {
        instance.put(in.readUTF(), in.readUTF());
      }
      return new AlarmDatapoint(rule, instance, in.readUTF(), in.readLong(), in.readDouble());
    } catch (IOException e) {
      throw new SerializationException("not an alarm datapoint on " + topic, e);
    }
  }
}
