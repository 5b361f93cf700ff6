package io.tidewatch.ingest.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.tidewatch.ingest.meter.MetricsEndpoint;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogSourceConnectorTest {

  private static final String LINE =
      "203.0.113.7 - - [22/Nov/2026:07:30:00 +0000] \"GET /health HTTP/1.1\" 200 12 \"-\""
          + " \"curl/8.0\"";

  @TempDir Path dir;

  private Map<String, String> config() {
    Map<String, String> config = new HashMap<>();
    config.put("files", dir + "/*.log");
    config.put("format", "nginx");
    config.put("log.group", "/nginx/access");
    config.put("topic.prefix", "t.");
    config.put("poll.interval.ms", "1");
    return config;
  }

  private static List<String> errors(Map<String, String> config) {
    List<String> errors = new ArrayList<>();
    for (ConfigValue value : new FileLogSourceConnector().validate(config).configValues()) {
      value.errorMessages().forEach(message -> errors.add(value.name() + ": " + message));
    }
    return errors;
  }

  @Test
  void shouldAcceptAValidConfigAndSupportExactlyOnce() {
    FileLogSourceConnector connector = new FileLogSourceConnector();
    assertThat(errors(config())).isEmpty();
    assertThat(connector.exactlyOnceSupport(config())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    assertThat(connector.canDefineTransactionBoundaries(config()))
        .isEqualTo(ConnectorTransactionBoundaries.UNSUPPORTED);
    connector.start(config());
    assertThat(connector.taskConfigs(4)).hasSize(1);
  }

  @Test
  void shouldNameEachBadSettingWithHowToFixIt() {
    Map<String, String> config = config();
    config.put("files", "logs/*.log");
    config.put("format", "ngnix");
    config.remove("log.group");
    assertThat(errors(config))
        .anyMatch(e -> e.startsWith("files:") && e.contains("absolute"))
        .anyMatch(e -> e.startsWith("format:") && e.contains("nginx"))
        .anyMatch(e -> e.startsWith("log.group:"));

    Map<String, String> badLayout = config();
    badLayout.put("log.format", "${remote_addr");
    assertThat(errors(badLayout)).anyMatch(e -> e.startsWith("log.format:"));

    Map<String, String> badConverter = config();
    badConverter.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    assertThat(errors(badConverter))
        .anyMatch(e -> e.startsWith("value.converter:") && e.contains("ByteArrayConverter"));
  }

  @Test
  void shouldWriteParsedLinesToLogsAndRejectedOnesToTheDeadLetterTopic() throws IOException {
    Path log = dir.resolve("access.log");
    Files.writeString(log, LINE + "\n\u0000binary\n" + "y".repeat(100) + "\n");
    Map<String, String> config = config();
    config.put("max.line.bytes", "99");
    InMemoryOffsets offsets = new InMemoryOffsets();
    List<SourceRecord> records = pollAll(config, offsets);

    assertThat(records).hasSize(3);
    SourceRecord parsed = records.get(0);
    assertThat(parsed.topic()).isEqualTo("t.logs");
    assertThat(parsed.key()).isEqualTo("/nginx/access|" + log);
    LogEvent event = Codecs.LOG_EVENT.decode("t.logs", (byte[]) parsed.value());
    assertThat(event.fields()).containsEntry("status", 200L).containsEntry("path", "/health");
    assertThat(event.message()).isEqualTo(LINE);

    SourceRecord binary = records.get(1);
    assertThat(binary.topic()).isEqualTo("t.dlq.ingest");
    assertThat(binary.headers().lastWithName("tw.reason").value()).isEqualTo("NUL");
    assertThat(binary.headers().lastWithName("tw.source.file").value()).isEqualTo(log.toString());
    assertThat(new String((byte[]) binary.value(), StandardCharsets.UTF_8))
        .isEqualTo("\u0000binary");

    assertThat(lastTask.stats().parsed()).isEqualTo(1);
    assertThat(lastTask.stats().rejected(RejectReason.NUL)).isEqualTo(1);
    assertThat(lastTask.stats().rejected(RejectReason.TOO_LONG)).isEqualTo(1);

    SourceRecord tooLong = records.get(2);
    assertThat(tooLong.headers().lastWithName("tw.reason").value()).isEqualTo("TOO_LONG");
    assertThat((byte[]) tooLong.value()).hasSize(99);
  }

  @Test
  void shouldCountLinesByReasonInTheProcessRegistryWhenTheWorkerServesMetrics() throws Exception {
    Files.writeString(dir.resolve("access.log"), LINE + "\n\u0000binary\n" + LINE + "\n");
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0)) {
      Metrics.addRegistry(endpoint.registry()); // what tidewatch ingest does for its worker
      try {
        pollAll(config(), new InMemoryOffsets());

        HttpResponse<String> scrape =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(endpoint.uri()).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.body())
            .contains("tidewatch_discarded_total{reason=\"nul\",source=\"file-connector\"} 1.0\n")
            .contains("tidewatch_ingested_total{source=\"file-connector\"} 2.0\n");
      } finally {
        Metrics.removeRegistry(endpoint.registry());
      }
    }
  }

  @Test
  void shouldResumeAfterTheLastCommittedOffset() throws IOException {
    Path log = dir.resolve("access.log");
    Files.writeString(log, LINE + "\n" + LINE + "\n");
    InMemoryOffsets offsets = new InMemoryOffsets();
    assertThat(pollAll(config(), offsets)).hasSize(2);

    Files.writeString(log, LINE.replace("/health", "/after") + "\n", StandardOpenOption.APPEND);
    List<SourceRecord> resumed = pollAll(config(), offsets);
    assertThat(resumed).hasSize(1);
    LogEvent event = Codecs.LOG_EVENT.decode("t.logs", (byte[]) resumed.get(0).value());
    assertThat(event.fields()).containsEntry("path", "/after");
  }

  @Test
  void shouldStoreTheOffsetOfACopytruncateCopySoThatARestartDoesNotReadItAgain()
      throws IOException, InterruptedException {
    Path log = dir.resolve("access.log");
    Files.writeString(log, LINE + "\n" + LINE + "\n");
    Map<String, String> config = config();
    config.put("files", dir + "/access.log*");
    config.put("scan.interval.ms", "0");
    InMemoryOffsets offsets = new InMemoryOffsets();
    FileLogSourceTask task = startTask(config, offsets);
    List<SourceRecord> records = new ArrayList<>();
    try {
      records.addAll(pollUntilIdle(task, offsets));
      assertThat(records).hasSize(2);
      Files.copy(log, dir.resolve("access.log.1")); // copytruncate, nothing left to read
      Files.writeString(log, LINE.replace("/health", "/after") + "\n");
      List<SourceRecord> afterRotation = pollUntilIdle(task, offsets);
      assertThat(afterRotation)
          .extracting(SourceRecord::topic)
          .containsExactly("t.ingest-positions", "t.logs");
      SourceRecord position = afterRotation.get(0);
      assertThat(position.key()).isEqualTo(position.sourcePartition().get("file"));
      assertThat(position.sourceOffset().get("position")).isEqualTo((long) 2 * (LINE.length() + 1));
      assertThat(position.sourceOffset().get("stream")).isEqualTo(log.toString());
    } finally {
      task.stop();
    }
    Files.writeString(log, LINE.replace("/health", "/later") + "\n", StandardOpenOption.APPEND);
    List<SourceRecord> resumed = pollAll(config, offsets);
    assertThat(resumed)
        .as("the copy is not read again after a restart")
        .singleElement()
        .satisfies(
            r ->
                assertThat(Codecs.LOG_EVENT.decode("t.logs", (byte[]) r.value()).fields())
                    .containsEntry("path", "/later"));
  }

  /** Starts a task, polls until it has nothing more, commits the offsets, stops it. */
  private FileLogSourceTask lastTask;

  private List<SourceRecord> pollAll(Map<String, String> config, InMemoryOffsets offsets) {
    FileLogSourceTask task = startTask(config, offsets);
    try {
      return pollUntilIdle(task, offsets);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      task.stop();
    }
  }

  /** Polls until a poll returns nothing, committing each batch's offsets as Connect would. */
  private static List<SourceRecord> pollUntilIdle(FileLogSourceTask task, InMemoryOffsets offsets)
      throws InterruptedException {
    List<SourceRecord> all = new ArrayList<>();
    for (List<SourceRecord> batch = task.poll(); batch != null; batch = task.poll()) {
      all.addAll(batch);
      batch.forEach(r -> offsets.commit(r.sourcePartition(), r.sourceOffset()));
    }
    return all;
  }

  private FileLogSourceTask startTask(Map<String, String> config, InMemoryOffsets offsets) {
    FileLogSourceTask task = new FileLogSourceTask();
    lastTask = task;
    task.initialize(
        new SourceTaskContext() {
          @Override
          public Map<String, String> configs() {
            return config;
          }

          @Override
          public OffsetStorageReader offsetStorageReader() {
            return offsets;
          }

          @Override
          public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException("the task uses no plugin metrics");
          }
        });
    task.start(config);
    return task;
  }

  /** Connect's offset store in memory: the latest offset per source partition. */
  private static final class InMemoryOffsets implements OffsetStorageReader {
    private final Map<Map<String, ?>, Map<String, Object>> committed = new HashMap<>();

    @SuppressWarnings("unchecked")
    void commit(Map<String, ?> partition, Map<String, ?> offset) {
      committed.put(partition, (Map<String, Object>) offset);
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
      return committed.get(partition);
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(
        Collection<Map<String, T>> partitions) {
      Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
      for (Map<String, T> partition : partitions) {
        if (committed.containsKey(partition)) {
          found.put(partition, committed.get(partition));
        }
      }
      return found;
    }
  }
}
