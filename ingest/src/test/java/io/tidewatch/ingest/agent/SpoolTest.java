package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path dir;

  private static SpooledRecord record(int i, int size) {
    byte[] value = new byte[size];
    byte[] text = ("record-" + i).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, value, 0, Math.min(text.length, size));
    return new SpooledRecord(
        "tw.logs",
        1_700_000_000_000L + i,
        "key-" + i,
        value,
        List.of(
            new SpooledRecord.Header("tw.reason", "NO_MATCH".getBytes(StandardCharsets.UTF_8))));
  }

  private static int number(SpooledRecord record) {
    String text = new String(record.value(), StandardCharsets.UTF_8).trim();
    return Integer.parseInt(
        text.substring(
            "record-".length(), text.indexOf('\0') < 0 ? text.length() : text.indexOf('\0')));
  }

  private static List<Integer> drain(Spool spool) {
    List<Integer> seen = new ArrayList<>();
    while (true) {
      Spool.Batch batch = spool.read(7);
      if (batch.isEmpty()) {
        spool.commit(batch);
        return seen;
      }
      batch.records().forEach(r -> seen.add(number(r)));
      spool.commit(batch);
    }
  }

  @Test
  void shouldGiveRecordsBackInOrderWithEveryPartAndBeEmptyAfterCommit() throws Exception {
    try (Spool spool = Spool.open(dir, 1024 * 1024)) {
      assertThat(spool.isEmpty()).isTrue();
      for (int i = 0; i < 100; i++) {
        spool.append(record(i, 200));
      }
      assertThat(spool.isEmpty()).isFalse();
      Spool.Batch first = spool.read(1);
      SpooledRecord zero = first.records().get(0);
      assertThat(zero.topic()).isEqualTo("tw.logs");
      assertThat(zero.key()).isEqualTo("key-0");
      assertThat(zero.timestamp()).isEqualTo(1_700_000_000_000L);
      assertThat(new String(zero.headers().get(0).value(), StandardCharsets.UTF_8))
          .isEqualTo("NO_MATCH");
      assertThat(drain(spool)).containsExactlyElementsOf(range(0, 100));
      assertThat(spool.isEmpty()).isTrue();
      assertThat(spool.lost()).isZero();
    }
  }

  @Test
  void shouldResumeFromItsCursorAfterARestartWithoutLosingOrRepeating() throws Exception {
    try (Spool spool = Spool.open(dir, 1024 * 1024)) {
      for (int i = 0; i < 50; i++) {
        spool.append(record(i, 1000));
      }
      Spool.Batch batch = spool.read(20);
      spool.commit(batch);
    }
    try (Spool reopened = Spool.open(dir, 1024 * 1024)) {
      reopened.append(record(50, 1000));
      assertThat(drain(reopened)).containsExactlyElementsOf(range(20, 51));
    }
  }

  @Test
  void shouldDropTheOldestSegmentsAndCountTheirRecordsOnlyWhenTheBoundIsHit() throws Exception {
    long max = 64 * 1024;
    try (Spool spool = Spool.open(dir, max)) {
      for (int i = 0; i < 40; i++) {
        spool.append(record(i, 1000));
      }
      assertThat(spool.lost()).isZero();
      for (int i = 40; i < 400; i++) {
        spool.append(record(i, 1000));
      }
      assertThat(spool.bytes()).isLessThanOrEqualTo(max);
      List<Integer> left = drain(spool);
      assertThat(spool.lost() + left.size()).isEqualTo(400);
      assertThat(spool.lost()).isPositive();
      // What is left is the newest records, in order, with no gap.
      assertThat(left).containsExactlyElementsOf(range(400 - left.size(), 400));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.mapToLong(SpoolTest::size).sum()).isLessThanOrEqualTo(max + 64);
    }
  }

  @Test
  void shouldStopAtATornFrameAndKeepWhatCameBefore() throws Exception {
    try (Spool spool = Spool.open(dir, 1024 * 1024)) {
      for (int i = 0; i < 5; i++) {
        spool.append(record(i, 100));
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(p -> p.toString().endsWith(".spool")).sorted().findFirst().get();
    }
    byte[] bytes = Files.readAllBytes(segment);
    Files.write(segment, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    try (Spool reopened = Spool.open(dir, 1024 * 1024)) {
      assertThat(drain(reopened)).containsExactly(0, 1, 2, 3);
      assertThat(reopened.corrupt()).isEqualTo(1);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = from; i < to; i++) {
      numbers.add(i);
    }
    return numbers;
  }
}
