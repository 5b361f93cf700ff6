package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.ingest.tail.FileIdentity;
import io.tidewatch.ingest.tail.FilePosition;
import io.tidewatch.ingest.tail.Fingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionFileTest {

  @TempDir Path dir;

  @Test
  void shouldKeepThePositionsOfEachSetAcrossReopeningAndLeaveNoTemporaryFile() throws IOException {
    FilePosition position =
        new FilePosition(
            new FileIdentity(
                "(dev=803,ino=12)",
                Fingerprint.of("first bytes".getBytes(StandardCharsets.UTF_8), 11)),
            "/var/log/app.log",
            42);
    String set = PositionFile.setKey("/app", List.of("/var/log/app.log"));
    PositionFile.open(dir)
        .save(
            Map.<String, Collection<FilePosition>>of(
                set, List.of(position), "/empty x", List.of()));

    PositionFile reopened = PositionFile.open(dir);
    assertThat(reopened.saved(set)).contains(Map.of("(dev=803,ino=12)", position));
    assertThat(reopened.saved("/empty x")).contains(Map.of());
    assertThat(reopened.saved("/never seen")).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(PositionFile.NAME);
    }
  }

  @Test
  void shouldRefuseACorruptFileSayingHowToStartOver() throws IOException {
    Files.writeString(dir.resolve(PositionFile.NAME), "{\"version\": 1, \"logs\": {\"s\": [{}]}}");
    assertThatThrownBy(() -> PositionFile.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(PositionFile.NAME + " is not a valid position file")
        .hasMessageContaining("delete it to start over");
  }
}
