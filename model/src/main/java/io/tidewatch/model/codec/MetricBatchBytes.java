package io.tidewatch.model.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.tidewatch.model.metric.MetricPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The value of one {@code tw.metrics} record, written point by point: a single point as it is,
 * several as a batch ({@code MetricPointMessage} with only its {@code batch} field), the bytes
 * {@link Codecs#METRIC_BATCH} writes for the same points. Each point is encoded straight into the
 * record's buffer as soon as the writer has it, while its data is still in the CPU's cache, without
 * a byte array of its own.
 */
public final class MetricBatchBytes {

  private static final int BATCH = 8;
  private static final int BATCH_TAG_SIZE = CodedOutputStream.computeTagSize(BATCH);
  private static final int INITIAL_CAPACITY = 4 * 1024;

  private byte[] buffer = new byte[INITIAL_CAPACITY];
  private CodedOutputStream out = CodedOutputStream.newInstance(buffer);
  private int outStart; // where out began writing in buffer
  private int points;
  private int firstPointStart;

  /**
   * Adds one point.
   *
   * @param seriesFields the point's series, encoded: {@link MetricPointWriter#seriesFields} of
   *     {@code point.series()}
   */
  public void add(byte[] seriesFields, MetricPoint point) {
    int length = MetricPointWriter.pointSize(seriesFields, point);
    int framed = BATCH_TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    int size = bytes();
    if (size + framed > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(size + framed, buffer.length * 2));
      out = CodedOutputStream.newInstance(buffer, size, buffer.length - size);
      outStart = size;
    }
    try {
      out.writeTag(BATCH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(length);
      MetricPointWriter.writePoint(out, seriesFields, point);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a metric point", e);
    }
    if (bytes() != size + framed) {
      throw new IllegalStateException("miscounted the size of a metric point");
    }
    if (points == 0) {
      firstPointStart = size + framed - length;
    }
    points++;
  }

  public int points() {
    return points;
  }

  /** The size of the record value as a batch so far. */
  public int bytes() {
    return outStart + out.getTotalBytesWritten();
  }

  /**
   * @throws IllegalStateException when no point was added
   */
  public byte[] toRecordValue() {
    if (points == 0) {
      throw new IllegalStateException("a metric record holds at least one point");
    }
    return points == 1
        ? Arrays.copyOfRange(buffer, firstPointStart, bytes())
        : Arrays.copyOf(buffer, bytes());
  }
}
