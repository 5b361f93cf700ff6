package io.tidewatch.ingest.tail;

import java.nio.file.Path;

/**
 * One complete line of a tailed file.
 *
 * @param bytes the line without its {@code \n} (a {@code \r} before it is kept; the parsers strip
 *     it), at most the tailer's line limit
 * @param length the length of the whole line in the file, without the {@code \n}
 * @param path where the file is now
 * @param position the position just after this line: store it once the line is safe
 */
public record TailedLine(byte[] bytes, long length, Path path, FilePosition position) {

  /** Whether the line was longer than the limit and {@link #bytes} holds only its start. */
  public boolean cut() {
    return length > bytes.length;
  }
}
