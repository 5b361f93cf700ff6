package io.tidewatch.ingest.tail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the files matching some globs and hands out their complete lines, each with the {@link
 * FilePosition} to store once the line is safe. Restarted with the stored positions ({@link
 * SavedPositions}), it goes on exactly after the last stored line.
 *
 * <p>Files are told apart by their file key (inode) and a {@link Fingerprint} of their first bytes:
 *
 * <ul>
 *   <li><b>Rotation by rename</b> ({@code app.log} → {@code app.log.1}, a new {@code app.log}): the
 *       renamed file keeps its inode and its open channel, so it is read to its end (and closed
 *       once idle for {@link TailerConfig#rotatedIdle()} when it left the globs); the new file is
 *       read from its start. A restart finds a rotated file again beside the glob's matches.
 *   <li><b>Rotation by {@code copytruncate}</b>: the file shrinks or stops starting with its
 *       fingerprinted bytes, so it is read again from byte 0. When the copy is matched by a glob
 *       ({@code app.log*}), it is recognised by its first bytes and read on from where the original
 *       was, so no line is read twice and none that reached the copy is lost. Until the original is
 *       truncated, the copy is left alone as a duplicate.
 * </ul>
 *
 * <p>A line still being written is held until its {@code \n}; lines longer than {@link
 * TailerConfig#maxLineBytes()} are cut and flagged ({@link TailedLine#cut()}), never held whole.
 * Bytes are handed out as they are: decoding (and invalid UTF-8) is the parsers' job ({@code
 * LineDecoder}).
 *
 * <p>Limits: two different files whose first bytes agree (up to {@link
 * TailerConfig#fingerprintBytes()}, or as far as the shorter goes) look like a copy of each other,
 * and the second is not read while the first is there. A file that is both created and rotated out
 * of the globs while the tailer is down is not found: include the rotated names in the globs. Not
 * thread-safe: one thread polls.
 */
public final class FileTailer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileTailer.class);
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final TailerConfig config;
  private final List<FileGlob> globs;
  private final SavedPositions saved;
  private final Map<String, TrackedFile> tracked = new LinkedHashMap<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private final List<FilePosition> copyPositions = new ArrayList<>();
  private boolean started;
  private long nextScanNanos;
  private int nextFirst;

  /**
   * @throws IllegalArgumentException when a glob is not an absolute path
   */
  public FileTailer(TailerConfig config, SavedPositions saved) {
    this.config = config;
    this.globs = config.globs().stream().map(FileGlob::new).toList();
    this.saved = saved;
  }

  /**
   * Up to {@code maxLines} complete lines that were written since the last call, oldest first per
   * file; an empty list when there is nothing new.
   */
  public List<TailedLine> poll(int maxLines) throws IOException {
    long now = System.nanoTime();
    if (!started || now - nextScanNanos >= 0) {
      scan(now);
      nextScanNanos = now + config.scanInterval().toNanos();
    }
    List<TailedLine> lines = new ArrayList<>();
    List<TrackedFile> files = new ArrayList<>(tracked.values());
    for (int n = 0; n < files.size() && lines.size() < maxLines; n++) {
      TrackedFile file = files.get((nextFirst + n) % files.size());
      if (!file.stillHolds()) {
        nextScanNanos = now; // truncated or rewritten: the next poll sorts it out
        continue;
      }
      file.readLines(lines, maxLines, buffer, now);
      if (!file.inGlobs()
          && lines.size() < maxLines
          && file.idleAtEnd(now, config.rotatedIdle().toNanos())) {
        file.finish(lines);
        LOG.debug("closing {} (rotated away, read to its end)", file.path());
        tracked.remove(file.fileKey());
        file.close();
      }
    }
    nextFirst = files.isEmpty() ? 0 : (nextFirst + 1) % files.size();
    return lines;
  }

  /**
   * Skips what the files matching the globs hold now, so that only lines written from now on are
   * handed out (files that appear later are read from their start). For a first start without saved
   * positions, where the backlog is not wanted; call it before the first {@link #poll}. A line
   * being written at that moment is read whole: each file is skipped to just after its last {@code
   * \n} (or to its end when none is found in the last {@value #READ_BUFFER_BYTES} bytes).
   *
   * @throws IllegalStateException after the first poll
   */
  public void startAtEnd() throws IOException {
    if (started) {
      throw new IllegalStateException("startAtEnd() must come before the first poll");
    }
    long now = System.nanoTime();
    scan(now);
    nextScanNanos = now + config.scanInterval().toNanos();
    for (TrackedFile file : tracked.values()) {
      file.skipToLastLineEnd(buffer);
    }
  }

  /**
   * The positions taken since the last call without handing out a line: files recognised as a
   * {@code copytruncate} copy of content already read, followed on from where the original was.
   * Store each like a line's position, before the lines of the poll that found it. A tailer that
   * stores only the positions of lines (Kafka Connect offsets) would otherwise find such a copy
   * without a position after a restart, and read it again from its start.
   */
  public List<FilePosition> takeCopyPositions() {
    List<FilePosition> taken = List.copyOf(copyPositions);
    copyPositions.clear();
    return taken;
  }

  /** The position of every file being followed. */
  public List<FilePosition> positions() {
    return tracked.values().stream().map(TrackedFile::position).toList();
  }

  /** Where each followed file is now, by file key. */
  public Map<String, Path> paths() {
    Map<String, Path> paths = new LinkedHashMap<>();
    tracked.forEach((key, file) -> paths.put(key, file.path()));
    return paths;
  }

  private record Found(Path path, String fileKey) {}

  private void scan(long now) throws IOException {
    Map<String, Path> inGlobs = new LinkedHashMap<>();
    for (FileGlob glob : globs) {
      for (Path path : glob.matches()) {
        fileKey(path).ifPresent(key -> inGlobs.putIfAbsent(key, path));
      }
    }
    List<FilePosition> displaced = new ArrayList<>();

    // Files being followed: moved, rotated away, truncated or rewritten?
    for (Iterator<TrackedFile> it = tracked.values().iterator(); it.hasNext(); ) {
      TrackedFile file = it.next();
      Path now0 = inGlobs.get(file.fileKey());
      file.inGlobs(now0 != null);
      if (now0 != null) {
        file.movedTo(now0);
      }
      if (!file.stillHolds()) {
        displaced.add(file.position());
        if (now0 == null) {
          it.remove();
          file.close();
        } else {
          LOG.info("{} was truncated or rewritten: reading it again from its start", now0);
          file.restartFromZero();
        }
      }
    }

    if (!started) {
      started = true;
      resume(inGlobs, displaced, now);
    }

    // Files seen for the first time: a copy of displaced content, a copy of a followed file, or
    // new.
    for (Map.Entry<String, Path> entry : inGlobs.entrySet()) {
      if (tracked.containsKey(entry.getKey())) {
        continue;
      }
      Path path = entry.getValue();
      byte[] head;
      long size;
      try {
        head = Heads.read(path, config.fingerprintBytes());
        size = Files.size(path);
      } catch (NoSuchFileException | AccessDeniedException e) {
        continue;
      }
      Optional<FilePosition> moved =
          displaced.stream().filter(p -> p.identity().fingerprint().overlaps(head)).findFirst();
      if (moved.isPresent()) {
        displaced.remove(moved.get());
        FilePosition from = moved.get();
        LOG.info("{} holds the content of {}: reading on from there", path, from.stream());
        // The copy may be shorter than the original's fingerprint: keep what both share.
        int shared = Math.min(head.length, from.identity().fingerprint().length());
        track(
            path,
            entry.getKey(),
            from.stream(),
            Fingerprint.of(head, shared),
            Math.min(from.offset(), size),
            true,
            now);
        TrackedFile copy = tracked.get(entry.getKey());
        if (copy != null) {
          copyPositions.add(copy.position());
        }
        continue;
      }
      boolean copyOfFollowed =
          tracked.values().stream().anyMatch(f -> f.fingerprint().overlaps(head));
      if (copyOfFollowed) {
        continue; // a copytruncate copy whose original is not truncated yet
      }
      track(path, entry.getKey(), path.toString(), Fingerprint.of(head, head.length), 0, true, now);
    }
    for (FilePosition lost : displaced) {
      if (lost.offset() > 0) {
        LOG.warn(
            "{} was truncated or replaced and no file matched by the globs holds its old content;"
                + " lines written after byte {} before the truncation may be lost"
                + " (include the rotated names in the globs)",
            lost.stream(),
            lost.offset());
      }
    }
  }

  /** First scan: picks up the saved positions of the files in the globs and beside them. */
  private void resume(Map<String, Path> inGlobs, List<FilePosition> displaced, long now)
      throws IOException {
    Map<String, Path> beside = new LinkedHashMap<>();
    for (FileGlob glob : globs) {
      for (Path path : glob.siblings()) {
        fileKey(path)
            .filter(key -> !inGlobs.containsKey(key))
            .ifPresent(key -> beside.putIfAbsent(key, path));
      }
    }
    List<String> keys = new ArrayList<>(inGlobs.keySet());
    keys.addAll(beside.keySet());
    Map<String, FilePosition> positions = saved.lookup(keys);
    for (Map.Entry<String, FilePosition> entry : positions.entrySet()) {
      FilePosition position = entry.getValue();
      boolean matched = inGlobs.containsKey(entry.getKey());
      Path path = matched ? inGlobs.get(entry.getKey()) : beside.get(entry.getKey());
      if (path == null) {
        continue;
      }
      byte[] head;
      long size;
      try {
        head = Heads.read(path, config.fingerprintBytes());
        size = Files.size(path);
      } catch (NoSuchFileException | AccessDeniedException e) {
        continue;
      }
      Fingerprint fingerprint = position.identity().fingerprint();
      if (fingerprint.isPrefixOf(head) && size >= position.offset()) {
        track(
            path, entry.getKey(), position.stream(), fingerprint, position.offset(), matched, now);
      } else {
        displaced.add(position);
      }
    }
  }

  private void track(
      Path path,
      String fileKey,
      String stream,
      Fingerprint fingerprint,
      long offset,
      boolean matched,
      long now)
      throws IOException {
    TrackedFile file;
    try {
      file =
          new TrackedFile(
              path,
              fileKey,
              stream,
              fingerprint,
              offset,
              config.maxLineBytes(),
              config.fingerprintBytes(),
              now);
    } catch (NoSuchFileException e) {
      return;
    } catch (AccessDeniedException e) {
      LOG.warn("cannot read {}: permission denied; trying again at the next scan", path);
      return;
    }
    if (!fileKey(path).map(fileKey::equals).orElse(false)) {
      file.close(); // rotated between listing and opening: the next scan sees it as it is
      return;
    }
    file.inGlobs(matched);
    tracked.put(fileKey, file);
  }

  /** The file system's identity of a file (device and inode on Linux); empty if it vanished. */
  static Optional<String> fileKey(Path path) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      Object key = attributes.fileKey();
      return Optional.of(key == null ? path.toAbsolutePath().toString() : key.toString());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the attributes of " + path, e);
    }
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (TrackedFile file : tracked.values()) {
      try {
        file.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    tracked.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
