package io.tidewatch.model.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of one {@code tw.metrics} record built from points encoded one at a time ({@link
 * Codecs#METRIC_POINT}): a single point as it is, several as a batch ({@code MetricPointMessage}
 * with only its {@code batch} field), the bytes {@link Codecs#METRIC_BATCH} writes for the same
 * points. A writer that encodes each point as soon as it has it reads the point's data while it is
 * still in the CPU's cache, instead of walking every point again when the record is serialized.
 */
public final class MetricBatchBytes {

  private static final int BATCH = 8;

  private final List<byte[]> points = new ArrayList<>();
  private int bytes;

  /** Adds one point, encoded by {@code Codecs.METRIC_POINT.encode}. */
  public void add(byte[] encodedPoint) {
    points.add(encodedPoint);
    bytes += framed(encodedPoint.length);
  }

  public int points() {
    return points.size();
  }

  /** The size of the record value as a batch so far. */
  public int bytes() {
    return bytes;
  }

  /**
   * @throws IllegalStateException when no point was added
   */
  public byte[] toRecordValue() {
    if (points.isEmpty()) {
      throw new IllegalStateException("a metric record holds at least one point");
    }
    if (points.size() == 1) {
      return points.get(0);
    }
    byte[] value = new byte[bytes];
    CodedOutputStream out = CodedOutputStream.newInstance(value);
    try {
      for (byte[] point : points) {
        out.writeTag(BATCH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(point.length);
        out.writeRawBytes(point);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("miscounted the size of a metric batch", e);
    }
    return value;
  }

  private static int framed(int length) {
    return CodedOutputStream.computeTagSize(BATCH)
        + CodedOutputStream.computeUInt32SizeNoTag(length)
        + length;
  }
}
