package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewatch up --ingest FILE}: the all-in-one tails log files with a standalone Connect
 * worker in its own process; a clean restart goes on after the last line, from the offsets file in
 * the data folder.
 */
class AllInOneIngestTest {

  @TempDir Path dataDir;
  @TempDir Path logs;

  @Test
  void shouldTailFilesIntoTheLogsTopicAndGoOnAfterARestart() throws Exception {
    Path log = logs.resolve("app.log");
    append(log, lines(1, 5));
    Path settings = logs.resolve("ingest.yaml");
    Files.writeString(
        settings,
        """
        files: ["%s*"]
        format: json
        log.group: /all-in-one/app
        scan.interval.ms: 100
        poll.interval.ms: 50
        """
            .formatted(log));
    AllInOne.Config config =
        new AllInOne.Config(
            dataDir,
            Optional.empty(),
            0,
            "127.0.0.1",
            0,
            0,
            0,
            Optional.empty(),
            false,
            false,
            Topics.defaults(),
            Optional.of(settings));
    StringWriter console = new StringWriter();

    try (AllInOne allInOne = AllInOne.start(config, new PrintWriter(console, true))) {
      assertThat(allInOne.endpoints().ingestRest()).isPresent();
      append(log, lines(6, 10));
      assertThat(idsOf(awaitEvents(allInOne.endpoints().bootstrapServers(), 10)))
          .containsExactlyElementsOf(ids(1, 10));
      String scraped =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(allInOne.endpoints().metrics()).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(scraped).contains("tidewatch_ingested_total{source=\"file-connector\"} 10.0\n");
    }
    assertThat(dataDir.resolve("ingest.offsets")).exists();
    append(log, lines(11, 15));

    try (AllInOne restarted = AllInOne.start(config, new PrintWriter(console, true))) {
      append(log, lines(16, 20));
      List<LogEvent> events = awaitEvents(restarted.endpoints().bootstrapServers(), 20);
      assertThat(idsOf(events))
          .as("every line once, in order")
          .containsExactlyElementsOf(ids(1, 20));
      assertThat(events)
          .allSatisfy(e -> assertThat(e.logGroup()).isEqualTo("/all-in-one/app"))
          .allSatisfy(e -> assertThat(e.logStream()).isEqualTo(log.toString()));
    }
  }

  /** The events on tw.logs once there are {@code count}, plus any that follow shortly. */
  private static List<LogEvent> awaitEvents(String bootstrap, int count) {
    return TopicReader.awaitValues(
        bootstrap, Topics.defaults().logs(), count, Duration.ofSeconds(60), Duration.ofSeconds(2));
  }

  private static List<String> idsOf(List<LogEvent> events) {
    return events.stream().map(e -> String.valueOf(e.fields().get("id"))).toList();
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(
        file,
        text,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  private static String lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    IntStream.rangeClosed(from, to)
        .forEach(i -> text.append("{\"id\":\"line-").append(i).append("\"}\n"));
    return text.toString();
  }

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "line-" + i).toList();
  }
}
