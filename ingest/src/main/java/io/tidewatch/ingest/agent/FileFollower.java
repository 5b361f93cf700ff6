package io.tidewatch.ingest.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Follows files like {@code tail -F}: files present at start are read from their end, files that
 * appear later from their beginning. Rotation is handled in the simplest correct way:
 *
 * <ul>
 *   <li>rename ({@code logrotate} default): when the path names a new file (another file key), the
 *       old file is read to its end through the still-open channel, then the new file is read from
 *       its beginning;
 *   <li>copytruncate: when the file is shorter than the position read, it was truncated and is read
 *       again from its beginning (lines written between the copy and the truncation are lost, as
 *       with every copytruncate reader).
 * </ul>
 *
 * A glob's last path element may hold wildcards ({@code /var/log/nginx/*.log}); the directory is
 * listed again on every poll. Not thread-safe: one poller.
 */
public final class FileFollower implements LogSource {

  private static final int READ_BUFFER = 64 * 1024;

  private final List<String> patterns;
  private final int maxLineBytes;
  private final Map<Path, Followed> followed = new LinkedHashMap<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
  private boolean first = true;

  /**
   * @param patterns files or globs (wildcards in the file name only)
   * @param maxLineBytes longer lines are cut to this many bytes (plus one, to detect the cut)
   */
  public FileFollower(List<String> patterns, int maxLineBytes) {
    this.patterns = List.copyOf(patterns);
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public void poll(LineSink sink) throws IOException {
    Set<Path> present = expand();
    for (Path path : present) {
      Followed file = followed.get(path);
      if (file == null) {
        file = Followed.open(path, first);
        if (file == null) {
          continue;
        }
        followed.put(path, file);
      }
      Object key = fileKey(path);
      if (key != null && !Objects.equals(key, file.key)) {
        // Renamed away: finish the old file, then start the new one from its beginning.
        read(file, sink);
        file.close();
        file = Followed.open(path, false);
        if (file == null) {
          followed.remove(path);
          continue;
        }
        followed.put(path, file);
      } else if (file.channel.size() < file.position) {
        file.position = 0;
        file.pending = 0;
      }
      read(file, sink);
    }
    for (Path gone : followed.keySet().stream().filter(p -> !present.contains(p)).toList()) {
      Followed file = followed.remove(gone);
      read(file, sink);
      file.close();
    }
    first = false;
  }

  private void read(Followed file, LineSink sink) throws IOException {
    while (true) {
      buffer.clear();
      int read = file.channel.read(buffer, file.position);
      if (read <= 0) {
        return;
      }
      file.position += read;
      byte[] bytes = buffer.array();
      int start = 0;
      for (int i = 0; i < read; i++) {
        if (bytes[i] == '\n') {
          file.append(bytes, start, i - start, maxLineBytes + 1);
          sink.line(file.name, file.line, file.pending, file.total);
          file.pending = 0;
          file.total = 0;
          start = i + 1;
        }
      }
      file.append(bytes, start, read - start, maxLineBytes + 1);
    }
  }

  private Set<Path> expand() throws IOException {
    Set<Path> paths = new LinkedHashSet<>();
    for (String pattern : patterns) {
      Path path = Path.of(pattern);
      String name = path.getFileName().toString();
      if (name.contains("*") || name.contains("?") || name.contains("[") || name.contains("{")) {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name)) {
          for (Path file : files) {
            if (Files.isRegularFile(file)) {
              paths.add(file);
            }
          }
        }
      } else if (Files.isRegularFile(path)) {
        paths.add(path);
      }
    }
    return paths;
  }

  private static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    for (Followed file : followed.values()) {
      file.close();
    }
    followed.clear();
  }

  /** One open file: where reading got to and the partial line not yet ended. */
  private static final class Followed {
    final String name;
    final FileChannel channel;
    final Object key;
    long position;
    byte[] line = new byte[256];
    int pending;
    long total;

    private Followed(String name, FileChannel channel, Object key, long position) {
      this.name = name;
      this.channel = channel;
      this.key = key;
      this.position = position;
    }

    static Followed open(Path path, boolean atEnd) throws IOException {
      try {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        return new Followed(path.toString(), channel, fileKey(path), atEnd ? channel.size() : 0);
      } catch (NoSuchFileException e) {
        return null;
      }
    }

    void append(byte[] bytes, int from, int count, int keep) {
      total += count;
      int take = Math.min(count, keep - pending);
      if (take <= 0) {
        return;
      }
      if (pending + take > line.length) {
        line = Arrays.copyOf(line, Math.min(keep, Math.max(line.length * 2, pending + take)));
      }
      System.arraycopy(bytes, from, line, pending, take);
      pending += take;
    }

    void close() throws IOException {
      channel.close();
    }
  }
}
