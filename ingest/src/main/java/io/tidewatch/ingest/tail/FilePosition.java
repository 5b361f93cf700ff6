package io.tidewatch.ingest.tail;

import java.util.Objects;

/**
 * How far a file has been read: the byte offset just after its last complete line. Resuming there
 * reads the next line whole, never a line twice.
 *
 * @param identity the file
 * @param stream the path the file was first tailed under (it stays the same after a rotation, so
 *     lines of {@code app.log} still say {@code app.log} once it is renamed {@code app.log.1})
 * @param offset bytes from the start of the file
 */
public record FilePosition(FileIdentity identity, String stream, long offset) {

  public FilePosition {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(stream, "stream");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
  }
}
