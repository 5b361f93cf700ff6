package io.tidewatch.ingest.imports;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code \n} without decoding them, keeping at most {@code
 * maxLineBytes + 1} bytes of a line: a longer line is read to its end but only its start is kept,
 * so a 50 MB line costs no more memory than the limit. The current line is a view valid until the
 * next call of {@link #next()}.
 */
public final class LineReader {

  private static final int READ_BUFFER = 1 << 16;

  private final InputStream in;
  private final int keep;
  private final byte[] buffer = new byte[READ_BUFFER];
  private int position;
  private int limit;
  private byte[] line = new byte[256];
  private int lineLength;
  private long lineTotal;

  /**
   * @param maxLineBytes the longest line wanted; one more byte is kept so that a trailing {@code
   *     \r} of a line at the limit is not taken for an over-long line
   */
  public LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.keep = maxLineBytes + 1;
  }

  /** Reads the next line; {@code false} at the end of the stream. */
  public boolean next() throws IOException {
    lineLength = 0;
    lineTotal = 0;
    boolean any = false;
    while (true) {
      if (position == limit) {
        int read = in.read(buffer);
        if (read <= 0) {
          position = 0;
          limit = 0;
          return any;
        }
        position = 0;
        limit = read;
      }
      any = true;
      int newline = indexOfNewline(position, limit);
      int end = newline < 0 ? limit : newline;
      append(position, end - position);
      position = newline < 0 ? limit : newline + 1;
      if (newline >= 0) {
        return true;
      }
    }
  }

  /** The kept bytes of the current line, without its {@code \n}, from index 0. */
  public byte[] bytes() {
    return line;
  }

  /** How many bytes of {@link #bytes()} belong to the current line. */
  public int length() {
    return lineLength;
  }

  /** The full length of the current line in bytes, including what was not kept. */
  public long totalLength() {
    return lineTotal;
  }

  /** Whether the line was longer than what was kept. */
  public boolean cut() {
    return lineTotal > lineLength;
  }

  private int indexOfNewline(int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void append(int from, int count) {
    lineTotal += count;
    int room = keep - lineLength;
    int take = Math.min(room, count);
    if (take <= 0) {
      return;
    }
    if (lineLength + take > line.length) {
      line = Arrays.copyOf(line, Math.min(keep, Math.max(line.length * 2, lineLength + take)));
    }
    System.arraycopy(buffer, from, line, lineLength, take);
    lineLength += take;
  }
}
