package io.tidewatch.bench;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.imports.ImportProgress;
import io.tidewatch.ingest.imports.ImportRequest;
import io.tidewatch.ingest.imports.ImportSummary;
import io.tidewatch.ingest.imports.LogImporter;
import io.tidewatch.ingest.imports.LogRecords;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.TopicSpec;
import io.tidewatch.model.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Issue benchmark: {@code logs import} lines/s into {@code tw.logs} (nginx combined, parsed,
 * encoded, produced and acknowledged), against Kafka's own {@code ProducerPerformance} sending
 * records of the same average size with the same producer settings (lz4, 256 KiB batches, 5 ms
 * linger, idempotent, acks=all) to a topic with the same partitions, on the same embedded broker in
 * the same run. Target: ≥ 0.5×.
 *
 * <p>Usage: {@code bench/run ImportThroughput [lines]} (default 1,000,000).
 */
public final class ImportThroughput {

  private static final Pattern RECORDS_PER_SECOND =
      Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

  private ImportThroughput() {}

  public static void main(String[] args) throws Exception {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("tidewatch-import-bench-");
    Path file = dir.resolve("access.log");
    ParseThroughput.writeNginx(file, lines);
    int recordSize = averageRecordSize(file);
    try (EmbeddedBroker broker = EmbeddedBroker.start(EmbeddedBroker.Settings.of(dir, 0))) {
      Topics topics = new Topics("bench.");
      try (Admin admin = Admin.create(broker.clientConfig())) {
        List<TopicSpec> specs = new ArrayList<>(topics.specs());
        specs.add(
            new TopicSpec("bench.producer-performance", 6, Map.of("compression.type", "producer")));
        new TopicBootstrap(admin, (short) 1).ensure(specs);
      }
      System.out.println(BenchEnvironment.describe());
      System.out.printf(
          Locale.ROOT,
          "file: %,d nginx combined lines, %,d bytes; average tw.logs record value %d bytes%n",
          lines,
          Files.size(file),
          recordSize);

      ImportSummary summary;
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(LogImporter.producerConfig(broker.bootstrapServers()))) {
        summary =
            new LogImporter(producer, topics)
                .run(
                    new ImportRequest(
                        List.of(file), "/bench/nginx", LogFormats.NGINX, Optional.empty()),
                    ImportProgress.NONE);
      }
      if (summary.delivered() != lines || !summary.clean()) {
        throw new IllegalStateException("import incomplete: " + summary);
      }

      double reference = producerPerformance(broker.bootstrapServers(), lines, recordSize);
      System.out.printf(
          Locale.ROOT,
          "logs import: %,.0f lines/s (%,d lines in %.1f s, all acknowledged); ProducerPerformance"
              + " %d-byte records: %,.0f records/s -> %.2fx (target >= 0.5x)%n",
          summary.linesPerSecond(),
          summary.lines(),
          summary.elapsed().toMillis() / 1000.0,
          recordSize,
          reference,
          summary.linesPerSecond() / reference);
    }
    ParseThroughput.deleteAll(dir);
  }

  /** The average encoded size of the events of the file's first 20,000 lines. */
  private static int averageRecordSize(Path file) throws Exception {
    LogParser parser = LogFormats.parser(LogFormats.NGINX, Optional.empty());
    LogRecords records = new LogRecords(Topics.defaults(), LogFormats.NGINX);
    long total = 0;
    int count = 0;
    try (var reader = Files.newBufferedReader(file)) {
      String line;
      while ((line = reader.readLine()) != null && count < 20_000) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        total +=
            records
                .record(
                    "/bench/nginx",
                    "access.log",
                    bytes,
                    bytes.length,
                    bytes.length,
                    parser.parse(bytes),
                    Instant.now(),
                    file.toString(),
                    count + 1)
                .value()
                .length;
        count++;
      }
    }
    return (int) (total / count);
  }

  private static double producerPerformance(String bootstrap, int records, int size)
      throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ProducerPerformance.main(
          new String[] {
            "--topic",
            "bench.producer-performance",
            "--num-records",
            Integer.toString(records),
            "--record-size",
            Integer.toString(size),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "compression.type=lz4",
            "batch.size=262144",
            "linger.ms=5",
            "enable.idempotence=true",
            "acks=all",
            "buffer.memory=67108864"
          });
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    String last = null;
    for (String line : output.lines().toList()) {
      if (line.contains("records sent") && line.contains("99th")) {
        last = line;
      }
    }
    if (last == null) {
      throw new IllegalStateException("no result from ProducerPerformance:\n" + output);
    }
    System.out.println("ProducerPerformance: " + last.strip());
    Matcher matcher = RECORDS_PER_SECOND.matcher(last);
    if (!matcher.find()) {
      throw new IllegalStateException("cannot read " + last);
    }
    return Double.parseDouble(matcher.group(2));
  }
}
