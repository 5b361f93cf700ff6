package io.tidewatch.ingest.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailerTest {

  @TempDir Path dir;

  private TailerConfig config(String... globs) {
    return new TailerConfig(List.of(globs), 64, 256, Duration.ZERO, Duration.ZERO);
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  private static List<String> texts(List<TailedLine> lines) {
    return lines.stream().map(l -> new String(l.bytes(), StandardCharsets.UTF_8)).toList();
  }

  /** Polls until a poll returns nothing. */
  private static List<TailedLine> drain(FileTailer tailer) throws IOException {
    List<TailedLine> all = new ArrayList<>();
    for (List<TailedLine> batch = tailer.poll(3); !batch.isEmpty(); batch = tailer.poll(3)) {
      all.addAll(batch);
    }
    return all;
  }

  /** Positions as a Connect offset store keeps them: the latest per file. */
  private static SavedPositions remember(List<TailedLine> lines) {
    return rememberPositions(lines.stream().map(TailedLine::position).toList());
  }

  private static SavedPositions rememberPositions(List<FilePosition> positions) {
    Map<String, FilePosition> latest = new HashMap<>();
    for (FilePosition position : positions) {
      latest.put(position.identity().fileKey(), position);
    }
    return keys -> {
      Map<String, FilePosition> found = new HashMap<>();
      keys.stream().filter(latest::containsKey).forEach(k -> found.put(k, latest.get(k)));
      return found;
    };
  }

  @Test
  void shouldHoldAPartialLastLineUntilItsNewline() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "one\ntw");
    try (FileTailer tailer = new FileTailer(config(dir + "/*.log"), SavedPositions.NONE)) {
      List<TailedLine> first = drain(tailer);
      assertThat(texts(first)).containsExactly("one");
      assertThat(first.get(0).position().offset()).isEqualTo(4);
      assertThat(first.get(0).position().stream()).isEqualTo(log.toString());

      append(log, "o\r\nthree\n");
      List<TailedLine> second = drain(tailer);
      assertThat(texts(second)).containsExactly("two\r", "three");
      assertThat(second.get(1).position().offset()).isEqualTo(Files.size(log));
    }
  }

  @Test
  void shouldSkipWhatIsThereWhenStartedAtTheEndButReadALineBeingWrittenWhole() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "old 1\nold 2\nhal");
    try (FileTailer tailer = new FileTailer(config(dir + "/*.log"), SavedPositions.NONE)) {
      tailer.startAtEnd();
      assertThat(drain(tailer)).isEmpty();
      append(log, "f\nnew\n");
      Path later = dir.resolve("later.log");
      append(later, "first\n");
      assertThat(texts(drain(tailer))).containsExactlyInAnyOrder("half", "new", "first");
      assertThatThrownBy(tailer::startAtEnd).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldResumeExactlyAfterTheLastStoredLine() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "a\nb\nc\nd\nhalf");
    List<TailedLine> stored;
    try (FileTailer tailer = new FileTailer(config(dir + "/*.log"), SavedPositions.NONE)) {
      stored = tailer.poll(2);
      assertThat(texts(stored)).containsExactly("a", "b");
    }
    append(log, "-done\n");
    try (FileTailer restarted = new FileTailer(config(dir + "/*.log"), remember(stored))) {
      assertThat(texts(drain(restarted))).containsExactly("c", "d", "half-done");
    }
  }

  @Test
  void shouldReadARenamedFileToItsEndThenTheNewOne() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "old-1\n");
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      assertThat(texts(drain(tailer))).containsExactly("old-1");
      // logrotate: rename, the writer still appends to the renamed file, then a new file.
      Path rotated = dir.resolve("app.log.1");
      Files.move(log, rotated, StandardCopyOption.ATOMIC_MOVE);
      append(rotated, "old-2\nold-3\n");
      append(log, "new-1\n");

      List<TailedLine> lines = drain(tailer);
      assertThat(texts(lines)).containsExactlyInAnyOrder("old-2", "old-3", "new-1");
      assertThat(lines).allMatch(l -> l.position().stream().equals(log.toString()));
      assertThat(tailer.positions()).as("the rotated file was closed at its end").hasSize(1);
      append(log, "new-2\n");
      assertThat(texts(drain(tailer))).containsExactly("new-2");
    }
  }

  @Test
  void shouldHandOutTheLastLineWithoutNewlineWhenARotatedFileIsClosed() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "complete\nno newline at the end");
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      assertThat(texts(drain(tailer))).containsExactly("complete");
      Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
      List<TailedLine> last = drain(tailer);
      assertThat(texts(last)).containsExactly("no newline at the end");
      assertThat(last.get(0).position().offset()).isEqualTo(Files.size(dir.resolve("app.log.1")));
      assertThat(tailer.positions()).isEmpty();
    }
  }

  @Test
  void shouldFindARenamedFileBesideTheGlobAfterARestart() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "1\n2\n3\n");
    List<TailedLine> stored;
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      stored = tailer.poll(1);
    }
    Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
    append(log, "new\n");
    try (FileTailer restarted = new FileTailer(config(log.toString()), remember(stored))) {
      assertThat(texts(drain(restarted))).containsExactlyInAnyOrder("2", "3", "new");
    }
  }

  @Test
  void shouldReadOnFromTheCopyAfterCopytruncate() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "1\n2\n");
    try (FileTailer tailer = new FileTailer(config(dir + "/app.log*"), SavedPositions.NONE)) {
      assertThat(texts(drain(tailer))).containsExactly("1", "2");
      append(log, "3\n4\n");
      Path copy = dir.resolve("app.log.1");
      Files.copy(log, copy);
      assertThat(drain(tailer))
          .as("the copy is a duplicate while the original is intact; the original goes on")
          .extracting(l -> new String(l.bytes(), StandardCharsets.UTF_8))
          .containsExactly("3", "4");
      append(log, "5\n"); // written after the copy: lost by copytruncate itself, read here before
      assertThat(texts(drain(tailer))).containsExactly("5");
      Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
      append(log, "after-1\n");
      assertThat(texts(drain(tailer))).containsExactly("after-1");
    }
  }

  @Test
  void shouldNotReadACopyAgainAfterARestartWhenItWasRecognisedWithNothingLeftToRead()
      throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "1\n2\n");
    List<FilePosition> stored = new ArrayList<>();
    try (FileTailer tailer = new FileTailer(config(dir + "/app.log*"), SavedPositions.NONE)) {
      drain(tailer).forEach(line -> stored.add(line.position()));
      assertThat(tailer.takeCopyPositions()).isEmpty();
      Files.copy(log, dir.resolve("app.log.1"));
      Files.write(log, "new-1\n".getBytes(StandardCharsets.UTF_8));
      List<TailedLine> lines = drain(tailer);
      assertThat(texts(lines)).containsExactly("new-1");
      List<FilePosition> copies = tailer.takeCopyPositions();
      assertThat(copies)
          .as("the copy was taken at the original's end without a line")
          .singleElement()
          .satisfies(p -> assertThat(p.offset()).isEqualTo(4))
          .satisfies(p -> assertThat(p.stream()).isEqualTo(log.toString()));
      assertThat(tailer.takeCopyPositions()).as("taken once").isEmpty();
      stored.addAll(copies);
      lines.forEach(line -> stored.add(line.position()));
    }
    append(log, "new-2\n");
    try (FileTailer restarted =
        new FileTailer(config(dir + "/app.log*"), rememberPositions(stored))) {
      assertThat(texts(drain(restarted))).containsExactly("new-2");
    }
  }

  @Test
  void shouldReadTheCopyFromWhereTheOriginalWasWhenTruncatedBeforeBeingRead() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "1\n2\n");
    List<TailedLine> stored;
    try (FileTailer tailer = new FileTailer(config(dir + "/app.log*"), SavedPositions.NONE)) {
      stored = drain(tailer);
    }
    // While the tailer is down: more lines, then copytruncate, then new lines.
    append(log, "3\n4\n");
    Files.copy(log, dir.resolve("app.log.1"));
    Files.write(log, "new-1\n".getBytes(StandardCharsets.UTF_8));
    try (FileTailer restarted = new FileTailer(config(dir + "/app.log*"), remember(stored))) {
      List<TailedLine> lines = drain(restarted);
      assertThat(texts(lines)).containsExactlyInAnyOrder("3", "4", "new-1");
      assertThat(lines).allMatch(l -> l.position().stream().equals(log.toString()));
    }
  }

  @Test
  void shouldRestartAtZeroWhenTheFileShrinks() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "first line of the day\nsecond line\n");
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      assertThat(drain(tailer)).hasSize(2);
      Files.write(
          log, "x\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.TRUNCATE_EXISTING);
      assertThat(texts(drain(tailer))).containsExactly("x");
    }
  }

  @Test
  void shouldRestartAtZeroWhenTheFileIsRewrittenPastTheOldOffset() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "aaaa\n");
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      assertThat(drain(tailer)).hasSize(1);
      Files.write(log, "bbbb\ncccc\n".getBytes(StandardCharsets.UTF_8));
      assertThat(texts(drain(tailer))).containsExactly("bbbb", "cccc");
    }
  }

  @Test
  void shouldCutAndFlagOverLongLinesWithoutHoldingThem() throws IOException {
    Path log = dir.resolve("app.log");
    String longLine = "x".repeat(10_000);
    append(log, "short\n" + longLine + "\nnext\n");
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      List<TailedLine> lines = drain(tailer);
      assertThat(texts(lines)).containsExactly("short", "x".repeat(64), "next");
      assertThat(lines.get(1).cut()).isTrue();
      assertThat(lines.get(1).length()).isEqualTo(10_000);
      assertThat(lines.get(0).cut()).isFalse();
      assertThat(lines.get(1).position().offset()).isEqualTo(6 + 10_001);
    }
  }

  @Test
  void shouldNotTakeAReusedInodeForTheOldFile() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "old content\n");
    List<TailedLine> stored;
    try (FileTailer tailer = new FileTailer(config(log.toString()), SavedPositions.NONE)) {
      stored = drain(tailer);
    }
    // Same inode (rewritten in place), other content, longer than the stored offset.
    Files.write(log, "NEW CONTENT AND MORE\n".getBytes(StandardCharsets.UTF_8));
    try (FileTailer restarted = new FileTailer(config(log.toString()), remember(stored))) {
      assertThat(texts(drain(restarted))).containsExactly("NEW CONTENT AND MORE");
    }
  }

  @Test
  void shouldRejectARelativeGlob() {
    assertThatThrownBy(() -> new FileTailer(config("logs/*.log"), SavedPositions.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
  }

  @Test
  void shouldRoundTripAFingerprint() {
    Fingerprint fingerprint = Fingerprint.of("hello".getBytes(StandardCharsets.UTF_8), 5);
    assertThat(Fingerprint.decode(fingerprint.encode())).isEqualTo(fingerprint);
    assertThat(fingerprint.isPrefixOf("hello world".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(fingerprint.isPrefixOf("hell".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(fingerprint.overlaps("hell".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(fingerprint.overlaps("help".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(Fingerprint.EMPTY.overlaps("hello".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThatThrownBy(() -> Fingerprint.decode("%%%")).hasMessageContaining("Base64");
  }
}
