package io.tidewatch.ingest.tail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * One absolute glob ({@code /var/log/nginx/*.log}): the folder it starts in (the part without
 * wildcards), how deep it reaches, and which regular files it matches now.
 */
final class FileGlob {

  private final String pattern;
  private final Path base;
  private final int depth;
  private final PathMatcher matcher;

  FileGlob(String pattern) {
    Path path = Path.of(pattern);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(
          "file glob must be an absolute path (like /var/log/nginx/*.log): " + pattern);
    }
    this.pattern = pattern;
    Path root = path.getRoot();
    Path start = root;
    int wild = -1;
    for (int i = 0; i < path.getNameCount(); i++) {
      if (isWild(path.getName(i).toString())) {
        wild = i;
        break;
      }
      start = start.resolve(path.getName(i));
    }
    if (wild < 0) {
      this.base = path.getParent() == null ? root : path.getParent();
      this.depth = 1;
    } else {
      this.base = start;
      this.depth = pattern.contains("**") ? Integer.MAX_VALUE : path.getNameCount() - wild;
    }
    this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
  }

  private static boolean isWild(String name) {
    return name.indexOf('*') >= 0
        || name.indexOf('?') >= 0
        || name.indexOf('[') >= 0
        || name.indexOf('{') >= 0;
  }

  String pattern() {
    return pattern;
  }

  /** The folder the glob starts in; rotated files of the glob usually stay there. */
  Path base() {
    return base;
  }

  /** The regular files that match now, in name order; none when the folder does not exist. */
  List<Path> matches() {
    return walk(depth).filter(matcher::matches).toList();
  }

  /** Every regular file beside the matches (one folder level), matching or not. */
  List<Path> siblings() {
    return walk(1).toList();
  }

  private Stream<Path> walk(int maxDepth) {
    if (!Files.isDirectory(base)) {
      return Stream.empty();
    }
    try (Stream<Path> files = Files.walk(base, maxDepth)) {
      return files.filter(Files::isRegularFile).sorted().toList().stream();
    } catch (NoSuchFileException e) {
      return Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + base + " for " + pattern, e);
    } catch (UncheckedIOException e) {
      // A folder vanished or became unreadable while walking: skip it this scan.
      return Stream.empty();
    }
  }
}
