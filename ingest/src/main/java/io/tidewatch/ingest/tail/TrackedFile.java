package io.tidewatch.ingest.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * One file being tailed, through a channel that stays open across renames (so a rotated file is
 * read to its end), with the line that is still being written held until its {@code \n}.
 */
final class TrackedFile implements AutoCloseable {

  private final String fileKey;
  private final String stream;
  private final int maxLineBytes;
  private final int fingerprintBytes;
  private final FileChannel channel;

  private Path path;
  private Fingerprint fingerprint;
  private long committed;
  private long readOffset;
  private boolean inGlobs = true;
  private long lastActivityNanos;

  /** The start of the line being read (at most {@code maxLineBytes}) and its full length. */
  private byte[] partial = new byte[256];

  private int partialBytes;
  private long partialLength;

  TrackedFile(
      Path path,
      String fileKey,
      String stream,
      Fingerprint fingerprint,
      long offset,
      int maxLineBytes,
      int fingerprintBytes,
      long nowNanos)
      throws IOException {
    this.path = path;
    this.fileKey = fileKey;
    this.stream = stream;
    this.fingerprint = fingerprint;
    this.committed = offset;
    this.readOffset = offset;
    this.maxLineBytes = maxLineBytes;
    this.fingerprintBytes = fingerprintBytes;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    this.lastActivityNanos = nowNanos;
  }

  String fileKey() {
    return fileKey;
  }

  Path path() {
    return path;
  }

  void movedTo(Path newPath) {
    path = newPath;
  }

  String stream() {
    return stream;
  }

  Fingerprint fingerprint() {
    return fingerprint;
  }

  long committed() {
    return committed;
  }

  boolean inGlobs() {
    return inGlobs;
  }

  void inGlobs(boolean value) {
    inGlobs = value;
  }

  FilePosition position() {
    return new FilePosition(new FileIdentity(fileKey, fingerprint), stream, committed);
  }

  /** The first bytes of the file as it is now (up to the fingerprint size). */
  byte[] head() throws IOException {
    return Heads.read(channel, fingerprintBytes);
  }

  /**
   * Whether the content read so far is still there: the file did not shrink below what was read and
   * still starts with the fingerprinted bytes. Extends the fingerprint as the file grows.
   */
  boolean stillHolds() throws IOException {
    long size = channel.size();
    if (size < readOffset) {
      return false;
    }
    if (fingerprint.length() >= fingerprintBytes || size == fingerprint.length()) {
      return fingerprint.length() == 0 || fingerprint.isPrefixOf(head());
    }
    byte[] head = head();
    if (!fingerprint.isPrefixOf(head)) {
      return false;
    }
    fingerprint = Fingerprint.of(head, head.length);
    return true;
  }

  /** Starts over at byte 0: the file was truncated ({@code copytruncate}) or rewritten. */
  void restartFromZero() throws IOException {
    committed = 0;
    readOffset = 0;
    partialBytes = 0;
    partialLength = 0;
    byte[] head = head();
    fingerprint = Fingerprint.of(head, head.length);
  }

  /**
   * Moves to just after the last {@code \n} in the file's last {@code buffer.capacity()} bytes, or
   * to its end when there is none: nothing before is handed out.
   */
  void skipToLastLineEnd(ByteBuffer buffer) throws IOException {
    long size = channel.size();
    long from = Math.max(readOffset, size - buffer.capacity());
    buffer.clear();
    buffer.limit((int) (size - from));
    long end = size;
    int read = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, from + read);
      if (n <= 0) {
        break;
      }
      read += n;
    }
    byte[] bytes = buffer.array();
    for (int i = read - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        end = from + i + 1;
        break;
      }
    }
    committed = end;
    readOffset = end;
    partialBytes = 0;
    partialLength = 0;
  }

  /** Reads complete lines into {@code out} until {@code out} holds {@code limit} lines. */
  void readLines(List<TailedLine> out, int limit, ByteBuffer buffer, long nowNanos)
      throws IOException {
    while (out.size() < limit) {
      buffer.clear();
      int read = channel.read(buffer, readOffset);
      if (read <= 0) {
        return;
      }
      lastActivityNanos = nowNanos;
      byte[] bytes = buffer.array();
      int start = 0;
      int i = 0;
      for (; i < read && out.size() < limit; i++) {
        if (bytes[i] == '\n') {
          append(bytes, start, i);
          committed = readOffset + i + 1;
          out.add(
              new TailedLine(
                  Arrays.copyOf(partial, partialBytes),
                  partialLength,
                  path,
                  new FilePosition(new FileIdentity(fileKey, fingerprint), stream, committed)));
          partialBytes = 0;
          partialLength = 0;
          start = i + 1;
        }
      }
      append(bytes, start, i);
      readOffset += i;
    }
  }

  /**
   * The file will not be written again: hands out its last line when it has no {@code \n}, so it is
   * not lost.
   */
  void finish(List<TailedLine> out) {
    if (partialLength > 0) {
      committed = readOffset;
      out.add(
          new TailedLine(
              Arrays.copyOf(partial, partialBytes),
              partialLength,
              path,
              new FilePosition(new FileIdentity(fileKey, fingerprint), stream, committed)));
      partialBytes = 0;
      partialLength = 0;
    }
  }

  /** Whether everything in the file was read and nothing was appended for {@code idleNanos}. */
  boolean idleAtEnd(long nowNanos, long idleNanos) throws IOException {
    return channel.size() <= readOffset && nowNanos - lastActivityNanos >= idleNanos;
  }

  private void append(byte[] bytes, int from, int to) {
    int length = to - from;
    partialLength += length;
    int room = maxLineBytes - partialBytes;
    int kept = Math.min(room, length);
    if (kept <= 0) {
      return;
    }
    if (partialBytes + kept > partial.length) {
      partial =
          Arrays.copyOf(
              partial, Math.min(maxLineBytes, Math.max(partial.length * 2, partialBytes + kept)));
    }
    System.arraycopy(bytes, from, partial, partialBytes, kept);
    partialBytes += kept;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
