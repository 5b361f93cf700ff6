package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.AnomalyModel;
import io.tidewatch.rules.alarm.PercentileSketch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The binary form of {@link AlarmInstanceState} in the evaluator's store and changelog: it is read
 * and written for every datapoint, so it is written field by field instead of as JSON. Layout
 * (version 1): version byte, rule, fingerprint, groupBy entries, state ordinal, reason, reason
 * data, state timestamp, last evaluated period end, periods (start, count, sum, min, max, sketch or
 * empty); version 2 adds the anomaly model (count, mean, variance) and the bands by period start;
 * version 3 writes each sketch as its binary encoding (length, bytes; -1 without one) instead of
 * base64 text, and adds a metric-math alarm's inputs (count, then each id and its periods).
 * Versions 2 and 3 are read. Strings are a length and UTF-8 bytes; -1 is null.
 */
final class AlarmInstanceStateSerde {

  private static final byte VERSION = 3;
  private static final AlarmState[] STATES = AlarmState.values();

  private AlarmInstanceStateSerde() {}

  static Serde<AlarmInstanceState> serde() {
    return Serdes.serdeFrom(
        (topic, state) -> state == null ? null : write(state),
        (topic, bytes) -> bytes == null ? null : read(topic, bytes));
  }

  private static byte[] write(AlarmInstanceState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeString(out, state.rule());
      writeString(out, state.ruleFingerprint());
      out.writeShort(state.instance().size());
      for (Map.Entry<String, String> dimension : state.instance().entrySet()) {
        writeString(out, dimension.getKey());
        writeString(out, dimension.getValue());
      }
      out.writeByte(state.state().ordinal());
      writeString(out, state.reason());
      writeString(out, state.reasonData());
      out.writeLong(state.stateTimestampMillis());
      out.writeLong(state.lastEvaluatedEndMillis());
      writePeriods(out, state.periods(), VERSION);
      out.writeLong(state.model().count());
      out.writeDouble(state.model().mean());
      out.writeDouble(state.model().variance());
      out.writeInt(state.bands().size());
      for (Map.Entry<Long, AnomalyModel.Band> band : state.bands().entrySet()) {
        out.writeLong(band.getKey());
        out.writeDouble(band.getValue().lower());
        out.writeDouble(band.getValue().upper());
      }
      out.writeInt(state.inputs().size());
      for (Map.Entry<String, NavigableMap<Long, Aggregate>> input : state.inputs().entrySet()) {
        writeString(out, input.getKey());
        writePeriods(out, input.getValue(), VERSION);
      }
    } catch (IOException e) {
      throw new SerializationException("cannot write an alarm instance state", e);
    }
    return bytes.toByteArray();
  }

  private static AlarmInstanceState read(String topic, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != VERSION && version != 2) {
        throw new SerializationException(
            "unknown alarm instance state version " + version + " on " + topic);
      }
      String rule = readString(in);
      String fingerprint = readString(in);
      int dimensions = in.readUnsignedShort();
      Map<String, String> instance = new LinkedHashMap<>();
      for (int i = 0; i < dimensions; i++) {
        instance.put(readString(in), readString(in));
      }
      AlarmState state = STATES[in.readUnsignedByte()];
      String reason = readString(in);
      String reasonData = readString(in);
      long stateTimestamp = in.readLong();
      long lastEvaluatedEnd = in.readLong();
      NavigableMap<Long, Aggregate> periods = readPeriods(in, version);
      AnomalyModel model = new AnomalyModel(in.readLong(), in.readDouble(), in.readDouble());
      int bandCount = in.readInt();
      NavigableMap<Long, AnomalyModel.Band> bands = new TreeMap<>();
      for (int i = 0; i < bandCount; i++) {
        bands.put(in.readLong(), new AnomalyModel.Band(in.readDouble(), in.readDouble()));
      }
      Map<String, NavigableMap<Long, Aggregate>> inputs = new TreeMap<>();
      if (version >= 3) {
        int inputCount = in.readInt();
        for (int i = 0; i < inputCount; i++) {
          inputs.put(readString(in), readPeriods(in, version));
        }
      }
      return new AlarmInstanceState(
          rule,
          fingerprint,
          instance,
          state,
          reason,
          reasonData,
          stateTimestamp,
          lastEvaluatedEnd,
          periods,
          model,
          bands,
          inputs);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "not an alarm instance state on " + topic + ": " + e.getMessage(), e);
    }
  }

  private static void writePeriods(
      DataOutputStream out, NavigableMap<Long, Aggregate> periods, int version) throws IOException {
    out.writeInt(periods.size());
    for (Map.Entry<Long, Aggregate> period : periods.entrySet()) {
      Aggregate aggregate = period.getValue();
      out.writeLong(period.getKey());
      out.writeLong(aggregate.count());
      out.writeDouble(aggregate.sum());
      out.writeDouble(aggregate.min());
      out.writeDouble(aggregate.max());
      if (version < 3) {
        writeString(out, aggregate.sketch() == null ? null : aggregate.sketch().toBase64());
      } else if (aggregate.sketch() == null) {
        out.writeInt(-1);
      } else {
        byte[] sketch = aggregate.sketch().toBytes();
        out.writeInt(sketch.length);
        out.write(sketch);
      }
    }
  }

  private static NavigableMap<Long, Aggregate> readPeriods(DataInputStream in, int version)
      throws IOException {
    int count = in.readInt();
    NavigableMap<Long, Aggregate> periods = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      long start = in.readLong();
      long samples = in.readLong();
      double sum = in.readDouble();
      double min = in.readDouble();
      double max = in.readDouble();
      periods.put(start, new Aggregate(samples, sum, min, max, readSketch(in, version)));
    }
    return periods;
  }

  private static PercentileSketch readSketch(DataInputStream in, int version) throws IOException {
    if (version < 3) {
      String base64 = readString(in);
      return base64 == null ? null : PercentileSketch.fromBase64(base64);
    }
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new IOException("truncated sketch");
    }
    return PercentileSketch.fromBytes(bytes);
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] utf8 = in.readNBytes(length);
    if (utf8.length != length) {
      throw new IOException("truncated string");
    }
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
