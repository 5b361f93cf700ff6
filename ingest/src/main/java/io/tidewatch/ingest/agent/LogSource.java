package io.tidewatch.ingest.agent;

import java.io.IOException;

/**
 * Where the agent's log lines come from. The agent polls its sources on one thread; a source hands
 * each complete line to the sink and keeps partial lines until they end. {@link FileFollower} is
 * the simple implementation used today; a fuller tailer can replace it behind this interface.
 */
public interface LogSource extends AutoCloseable {

  /** Receives lines; the bytes are valid only during the call. */
  @FunctionalInterface
  interface LineSink {
    /**
     * @param file the file the line came from
     * @param line the line's kept bytes from index 0, without {@code \n}
     * @param length how many bytes of {@code line} are kept
     * @param totalLength the line's full length (more than {@code length} when it was cut)
     */
    void line(String file, byte[] line, int length, long totalLength);
  }

  /** Reads what was appended since the last call. */
  void poll(LineSink sink) throws IOException;

  @Override
  void close() throws IOException;
}
