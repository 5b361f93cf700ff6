package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.log.LogEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lines become log events: parsed ones with their fields and time, rejected ones kept raw. */
class LogEventsTest {

  private static final Instant INGEST = Instant.parse("2024-11-20T10:00:05Z");
  private static final String LINE =
      "203.0.113.7 - - [20/Nov/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8\"";

  @Test
  void shouldCarryFieldsAndLineTimeWhenTheLineParsed() {
    LogParser parser = LogFormats.parser("nginx", Optional.empty());
    LogEvent event =
        LogEvents.toEvent("/nginx/access", "web-1", LINE + "\r\n", parser.parse(LINE), INGEST);
    assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-11-20T10:00:00Z"));
    assertThat(event.ingestTime()).isEqualTo(INGEST);
    assertThat(event.message()).isEqualTo(LINE);
    assertThat(event.parseError()).isNull();
    assertThat(event.fields())
        .containsEntry("status", 200L)
        .containsEntry("referrer", null)
        .containsEntry("userAgent", "curl/8");
    assertThat(event.key()).isEqualTo("/nginx/access|web-1");
  }

  @Test
  void shouldUseTheIngestTimeWhenTheLineHasNoTime() {
    LogParser raw = LogFormats.parser("raw", Optional.empty());
    LogEvent event = LogEvents.toEvent("/app", "", "hello", raw.parse("hello"), INGEST);
    assertThat(event.timestamp()).isEqualTo(INGEST);
    assertThat(event.fields()).isEmpty();
  }

  @Test
  void shouldKeepTheRawLineWithAParseErrorWhenTheLineIsRejected() {
    LogParser parser = LogFormats.parser("nginx", Optional.empty());
    String bad = "203.0.113.7 - - [20/Nov/2024:10:00:00 +0000] \"GET / HTTP/1.1\" OK";
    LogEvent event = LogEvents.toEvent("/nginx/access", "web-1", bad, parser.parse(bad), INGEST);
    assertThat(event.message()).isEqualTo(bad);
    assertThat(event.timestamp()).isEqualTo(INGEST);
    assertThat(event.fields()).isEmpty();
    assertThat(event.parseError()).startsWith("NO_MATCH: ");
  }

  @Test
  void shouldKeepInvalidUtf8AsReplacementCharactersWhenTheLineIsBytes() {
    LogParser parser = LogFormats.parser("raw", Optional.empty());
    byte[] line = {'o', 'k', ' ', (byte) 0xC3, '!', '\r', '\n'};
    LogEvent event = LogEvents.toEvent("/app", "", line, parser.parse(line), INGEST);
    assertThat(event.message()).isEqualTo("ok \uFFFD!");
    assertThat(event.parseError()).startsWith("INVALID_UTF8: invalid UTF-8 sequence at byte 4");
  }

  @Test
  void shouldCutTheMessageWhenA50MbLineIsRejected() {
    LogParser parser = LogFormats.parser("json", Optional.empty());
    byte[] line = new byte[50 << 20];
    Arrays.fill(line, (byte) 'x');
    LogEvent event = LogEvents.toEvent("/app", "", line, parser.parse(line), INGEST);
    assertThat(event.message()).hasSize(LogEvents.MAX_MESSAGE_CHARS);
    assertThat(event.parseError())
        .startsWith("TOO_LONG: line of 52428800 bytes exceeds the limit of 262144 bytes")
        .endsWith("(message cut to its first 262144 characters)");

    String text = "y".repeat(10 << 20);
    LogEvent fromString = LogEvents.toEvent("/app", "", text, parser.parse(text), INGEST);
    assertThat(fromString.message()).hasSize(LogEvents.MAX_MESSAGE_CHARS);
    assertThat(fromString.parseError()).contains("characters exceeds");
  }

  @Test
  void shouldGiveTheSameEventWhenTheLineArrivesAsBytesOrString() {
    LogParser parser = LogFormats.parser("nginx", Optional.empty());
    byte[] bytes = (LINE + "\n").getBytes(StandardCharsets.UTF_8);
    LogEvent fromBytes = LogEvents.toEvent("/g", "s", bytes, parser.parse(bytes), INGEST);
    LogEvent fromString = LogEvents.toEvent("/g", "s", LINE, parser.parse(LINE), INGEST);
    assertThat(fromBytes).isEqualTo(fromString);
    assertThat(fromBytes.message()).isEqualTo(LINE);
  }
}
