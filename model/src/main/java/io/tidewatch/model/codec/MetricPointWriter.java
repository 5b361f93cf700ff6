package io.tidewatch.model.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes {@code MetricPointMessage} bytes straight from {@link MetricPoint}s, without building
 * generated message objects: the same bytes the generated code writes (fields in number order,
 * proto3 defaults left out; tested against it), without a builder, a message and a map entry per
 * point and dimension. The receivers encode every point they accept, so this is on their hot path.
 */
public final class MetricPointWriter {

  private static final int NAMESPACE = 1;
  private static final int NAME = 2;
  private static final int DIMENSIONS = 3;
  private static final int TIMESTAMP = 4;
  private static final int VALUE = 5;
  private static final int UNIT = 6;
  private static final int STATISTICS = 7;

  private static final int DIMENSION_KEY = 1;
  private static final int DIMENSION_VALUE = 2;

  private static final int COUNT = 1;
  private static final int SUM = 2;
  private static final int MIN = 3;
  private static final int MAX = 4;
  private static final int SKETCH = 5;

  private MetricPointWriter() {}

  /** One point as a single-point record. */
  static byte[] point(MetricPoint point) {
    return point(seriesFields(point.series()), point);
  }

  /**
   * The series fields of a point (namespace, name, dimensions: fields 1 to 3, which come first):
   * the same for every point of the series, so a writer may keep them per series.
   */
  public static byte[] seriesFields(SeriesId series) {
    int size = 0;
    if (!series.namespace().isEmpty()) {
      size += CodedOutputStream.computeStringSize(NAMESPACE, series.namespace());
    }
    size += CodedOutputStream.computeStringSize(NAME, series.name());
    // forEach, not entrySet(): the unmodifiable view wraps every entry it iterates.
    int[] dimensions = {0};
    series
        .dimensions()
        .forEach(
            (key, value) ->
                dimensions[0] +=
                    CodedOutputStream.computeTagSize(DIMENSIONS)
                        + lengthPrefixed(dimensionSize(key, value)));
    byte[] bytes = new byte[size + dimensions[0]];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      if (!series.namespace().isEmpty()) {
        out.writeString(NAMESPACE, series.namespace());
      }
      out.writeString(NAME, series.name());
      series.dimensions().forEach((key, value) -> writeDimension(out, key, value));
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("miscounted the size of a series", e);
    }
    return bytes;
  }

  /**
   * One point as a single-point record, its series fields given ({@link #seriesFields} of {@code
   * point.series()}): the bytes {@code Codecs.METRIC_POINT} writes for the point.
   */
  static byte[] point(byte[] seriesFields, MetricPoint point) {
    byte[] bytes = new byte[pointSize(seriesFields, point)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writePoint(out, seriesFields, point);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("miscounted the size of a metric point", e);
    }
    return bytes;
  }

  /** The size of {@link #point}'s bytes, without making them. */
  static int pointSize(byte[] seriesFields, MetricPoint point) {
    return seriesFields.length + sampleSize(point);
  }

  /** Writes {@link #point}'s bytes, {@link #pointSize} of them, where {@code out} is. */
  static void writePoint(CodedOutputStream out, byte[] seriesFields, MetricPoint point)
      throws IOException {
    out.writeRawBytes(seriesFields);
    writeSample(out, point);
  }

  /** The size of the fields after the series: timestamp, value, unit, statistics. */
  private static int sampleSize(MetricPoint point) {
    int size = 0;
    long timestamp = point.timestamp().toEpochMilli();
    if (timestamp != 0) {
      size += CodedOutputStream.computeInt64Size(TIMESTAMP, timestamp);
    }
    if (Double.doubleToRawLongBits(point.value()) != 0) {
      size += CodedOutputStream.computeDoubleSize(VALUE, point.value());
    }
    if (!point.unit().isEmpty()) {
      size += CodedOutputStream.computeStringSize(UNIT, point.unit());
    }
    if (point.distribution() != null) {
      size +=
          CodedOutputStream.computeTagSize(STATISTICS)
              + lengthPrefixed(statisticsSize(point.distribution()));
    }
    return size;
  }

  private static void writeSample(CodedOutputStream out, MetricPoint point) throws IOException {
    long timestamp = point.timestamp().toEpochMilli();
    if (timestamp != 0) {
      out.writeInt64(TIMESTAMP, timestamp);
    }
    if (Double.doubleToRawLongBits(point.value()) != 0) {
      out.writeDouble(VALUE, point.value());
    }
    if (!point.unit().isEmpty()) {
      out.writeString(UNIT, point.unit());
    }
    Distribution distribution = point.distribution();
    if (distribution != null) {
      out.writeTag(STATISTICS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(statisticsSize(distribution));
      if (distribution.count() != 0) {
        out.writeUInt64(COUNT, distribution.count());
      }
      writeDouble(out, SUM, distribution.sum());
      writeDouble(out, MIN, distribution.min());
      writeDouble(out, MAX, distribution.max());
      if (distribution.sketch().length > 0) {
        out.writeByteArray(SKETCH, distribution.sketch());
      }
    }
  }

  private static void writeDimension(CodedOutputStream out, String key, String value) {
    try {
      out.writeTag(DIMENSIONS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(dimensionSize(key, value));
      if (!key.isEmpty()) {
        out.writeString(DIMENSION_KEY, key);
      }
      if (!value.isEmpty()) {
        out.writeString(DIMENSION_VALUE, value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("miscounted the size of a metric point", e);
    }
  }

  private static int dimensionSize(String key, String value) {
    return (key.isEmpty() ? 0 : CodedOutputStream.computeStringSize(DIMENSION_KEY, key))
        + (value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(DIMENSION_VALUE, value));
  }

  private static int statisticsSize(Distribution distribution) {
    int size = 0;
    if (distribution.count() != 0) {
      size += CodedOutputStream.computeUInt64Size(COUNT, distribution.count());
    }
    size += doubleSize(SUM, distribution.sum());
    size += doubleSize(MIN, distribution.min());
    size += doubleSize(MAX, distribution.max());
    if (distribution.sketch().length > 0) {
      size += CodedOutputStream.computeByteArraySize(SKETCH, distribution.sketch());
    }
    return size;
  }

  private static int doubleSize(int field, double value) {
    return Double.doubleToRawLongBits(value) == 0
        ? 0
        : CodedOutputStream.computeDoubleSize(field, value);
  }

  private static void writeDouble(CodedOutputStream out, int field, double value)
      throws IOException {
    if (Double.doubleToRawLongBits(value) != 0) {
      out.writeDouble(field, value);
    }
  }

  private static int lengthPrefixed(int size) {
    return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }
}
