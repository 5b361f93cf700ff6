package io.tidewatch.ingest.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Reads the first bytes of a file, the input of its {@link Fingerprint}. */
final class Heads {

  private Heads() {}

  static byte[] read(FileChannel channel, int maxBytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(maxBytes);
    long position = 0;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position);
      if (read <= 0) {
        break;
      }
      position += read;
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  static byte[] read(Path path, int maxBytes) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(channel, maxBytes);
    }
  }
}
