package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFollowerTest {

  @TempDir Path dir;

  private final List<String> lines = new ArrayList<>();

  private void poll(FileFollower follower) throws Exception {
    follower.poll(
        (file, line, length, total) ->
            lines.add(new String(line, 0, length, StandardCharsets.UTF_8)));
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Test
  void shouldStartAtTheEndAndShipOnlyCompleteAppendedLines() throws Exception {
    Path log = dir.resolve("access.log");
    append(log, "old 1\nold 2\n");
    try (FileFollower follower = new FileFollower(List.of(log.toString()), 1024)) {
      poll(follower);
      assertThat(lines).isEmpty();
      append(log, "new 1\nnew ");
      poll(follower);
      assertThat(lines).containsExactly("new 1");
      append(log, "2\n");
      poll(follower);
      assertThat(lines).containsExactly("new 1", "new 2");
    }
  }

  @Test
  void shouldReadTheOldFileToItsEndThenTheNewOneWhenRotatedByRename() throws Exception {
    Path log = dir.resolve("access.log");
    append(log, "");
    try (FileFollower follower = new FileFollower(List.of(log.toString()), 1024)) {
      poll(follower);
      append(log, "a\n");
      poll(follower);
      append(log, "b\n");
      Files.move(log, dir.resolve("access.log.1"));
      append(dir.resolve("access.log.1"), "c\n"); // the writer still holds the old file
      poll(follower); // the path is gone: the old file is read to its end
      append(log, "d\n");
      poll(follower);
      append(log, "e\n");
      Files.move(log, dir.resolve("access.log.2"));
      append(log, "f\n"); // renamed and recreated between two polls
      poll(follower);
      assertThat(lines).containsExactly("a", "b", "c", "d", "e", "f");
    }
  }

  @Test
  void shouldStartOverWhenTheFileIsTruncatedByCopytruncate() throws Exception {
    Path log = dir.resolve("app.log");
    append(log, "");
    try (FileFollower follower = new FileFollower(List.of(dir.resolve("*.log").toString()), 1024)) {
      poll(follower);
      append(log, "first line that is long\n");
      poll(follower);
      Files.copy(log, dir.resolve("app.log.1"));
      Files.writeString(log, "", StandardOpenOption.TRUNCATE_EXISTING);
      append(log, "x\n");
      poll(follower);
      assertThat(lines).containsExactly("first line that is long", "x");
    }
  }

  @Test
  void shouldCutOverlongLinesButReportTheirFullLength() throws Exception {
    Path log = dir.resolve("big.log");
    append(log, "");
    List<Long> totals = new ArrayList<>();
    try (FileFollower follower = new FileFollower(List.of(log.toString()), 10)) {
      follower.poll((file, line, length, total) -> totals.add(total));
      append(log, "x".repeat(100_000) + "\nshort\n");
      follower.poll((file, line, length, total) -> totals.add(total * 1000 + length));
    }
    assertThat(totals).containsExactly(100_000L * 1000 + 11, 5L * 1000 + 5);
  }
}
