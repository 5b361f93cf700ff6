package io.tidewatch.ingest.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.ingest.meter.IngestSource;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import io.tidewatch.testkit.TopicReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogImporter} on the embedded broker, with the counters a serving process would show. */
@ExtendWith(EmbeddedKafkaExtension.class)
class LogImporterTest {

  @TempDir Path dir;

  @Test
  void shouldCountEmptyLinesAsDiscardedAndProduceNothingForThemWhenImporting(EmbeddedBroker broker)
      throws Exception {
    Topics topics = new Topics("importer.");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    Path file = dir.resolve("app.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("started\n\n\n   \nstopped\n".getBytes(StandardCharsets.UTF_8));
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ImportRequest request = new ImportRequest(List.of(file), "/app", "raw", Optional.empty());

    ImportSummary summary;
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(LogImporter.producerConfig(broker.bootstrapServers()))) {
      summary =
          new LogImporter(producer, topics, IngestMeters.of(registry, IngestSource.IMPORT))
              .run(request, ImportProgress.NONE);
    }

    assertThat(summary.lines()).isEqualTo(5);
    assertThat(summary.emptyLines()).isEqualTo(3);
    assertThat(summary.counts()).isEqualTo("parsed 2, rejected 0, skipped 3 empty");
    assertThat(summary.clean()).isTrue();
    assertThat(summary.delivered()).isEqualTo(2);
    assertThat(
            registry
                .get(IngestMeters.DISCARDED)
                .tags("source", "import", "reason", "empty")
                .counter()
                .count())
        .isEqualTo(3.0);
    assertThat(TopicReader.readAll(broker.bootstrapServers(), topics.dlq("ingest").name()))
        .isEmpty();
  }
}
