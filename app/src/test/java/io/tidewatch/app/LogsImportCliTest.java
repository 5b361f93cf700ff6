package io.tidewatch.app;

import static io.tidewatch.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidewatch logs import} against the embedded broker, with golden counts. */
@ExtendWith(io.tidewatch.testkit.EmbeddedKafkaExtension.class)
class LogsImportCliTest {

  private static final DateTimeFormatter NGINX_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);
  private static final Instant FIRST = Instant.parse("2026-03-01T10:00:00Z");

  private static String bootstrap;
  private static EmbeddedBroker kafka;

  @TempDir Path dir;

  @BeforeAll
  static void start(EmbeddedBroker broker) {
    bootstrap = broker.bootstrapServers();
    kafka = broker;
  }

  private static Topics topics(String prefix) throws Exception {
    Topics topics = new Topics(prefix);
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    return topics;
  }

  private static String nginxLine(int i) {
    return "10.0.%d.%d - - [%s] \"GET /item/%d?x=1 HTTP/1.1\" %d %d \"-\" \"curl/8.0\""
        .formatted(
            i / 250,
            i % 250,
            NGINX_TIME.format(FIRST.plusSeconds(i)),
            i,
            i % 10 == 0 ? 404 : 200,
            100 + i);
  }

  @Test
  void shouldImportPlainAndGzipFilesTimedByTheLineAndSendRejectedLinesToTheDlq() throws Exception {
    Topics topics = topics("import1.");
    List<String> plain = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      plain.add(nginxLine(i));
      if (i == 10) {
        plain.add("this is not an access log line");
      }
      if (i == 20) {
        plain.add("");
      }
      if (i == 30) {
        plain.add(nginxLine(5000).replace("curl", "cu\0rl"));
      }
    }
    Path access = dir.resolve("access.log");
    Files.write(access, plain);
    Path rotated = dir.resolve("access.log.2.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(rotated))) {
      for (int i = 1000; i < 1500; i++) {
        out.write((nginxLine(i) + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
    }

    CliRun run =
        run(
            "logs",
            "import",
            access.toString(),
            rotated.toString(),
            "--log-group",
            "/nginx/access",
            "--format",
            "nginx",
            "--quiet",
            "--topic-prefix",
            "import1.",
            "--bootstrap-servers",
            bootstrap);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains("imported 2 files (1503 lines")
        .contains("into import1.logs, log group /nginx/access")
        .contains("parsed 1500, rejected 2 (NUL 1, NO_MATCH 1), skipped 1 empty")
        .contains("rejected lines are in import1.dlq.ingest");

    List<ConsumerRecord<String, byte[]>> events = readAll(topics.logs().name(), 1500);
    assertThat(events).hasSize(1500);
    Map<Long, LogEvent> byItem = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> record : events) {
      LogEvent event = Codecs.LOG_EVENT.decode(record);
      assertThat(event.parseError()).isNull();
      String path = (String) event.fields().get("path");
      long item = Long.parseLong(path.substring("/item/".length(), path.indexOf('?')));
      assertThat(event.timestamp()).isEqualTo(FIRST.plusSeconds(item));
      byItem.put(item, event);
    }
    assertThat(byItem).hasSize(1500);
    LogEvent tenth = byItem.get(10L);
    assertThat(tenth.logGroup()).isEqualTo("/nginx/access");
    assertThat(tenth.logStream()).isEqualTo("access.log");
    assertThat(tenth.fields())
        .containsEntry("method", "GET")
        .containsEntry("status", 404L)
        .containsEntry("bytes", 110L)
        .containsEntry("remoteIP", "10.0.0.10")
        .containsEntry("referrer", null);
    LogEvent fromGzip = byItem.get(1234L);
    assertThat(fromGzip.logStream()).isEqualTo("access.log.2.gz");
    assertThat(fromGzip.message()).isEqualTo(nginxLine(1234));

    List<ConsumerRecord<String, byte[]>> rejected = readAll(topics.dlq("ingest").name(), 2);
    assertThat(rejected)
        .extracting(record -> header(record, "tw.reason") + "@" + header(record, "tw.source.line"))
        .containsExactlyInAnyOrder("NO_MATCH@12", "NUL@34");
    ConsumerRecord<String, byte[]> noMatch =
        rejected.stream().filter(r -> header(r, "tw.reason").equals("NO_MATCH")).findFirst().get();
    assertThat(new String(noMatch.value(), StandardCharsets.UTF_8))
        .isEqualTo("this is not an access log line");
    assertThat(header(noMatch, "tw.source.file")).isEqualTo(access.toString());
    assertThat(header(noMatch, "tw.log.group")).isEqualTo("/nginx/access");
    assertThat(header(noMatch, "tw.format")).isEqualTo("nginx");
  }

  @Test
  void shouldExitZeroWhenEveryFlowLogLineOfACustomFormatParses() throws Exception {
    Topics topics = topics("import2.");
    String fields = "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${bytes} ${start} ${end} ${action}";
    List<String> lines = new ArrayList<>();
    lines.add("version vpc-id srcaddr dstaddr bytes start end action");
    for (int i = 0; i < 200; i++) {
      lines.add(
          "5 vpc-0abc 10.1.0.%d 10.1.1.1 %d %d %d ACCEPT"
              .formatted(i % 200, 1000 + i, 1772359200 + i, 1772359260 + i));
    }
    Path file = dir.resolve("flows.log");
    Files.write(file, lines.subList(1, lines.size()));

    CliRun run =
        run(
            "logs",
            "import",
            file.toString(),
            "--log-group",
            "/vpc/flows",
            "--format",
            "vpc-flow",
            "--fields",
            fields,
            "--quiet",
            "--topic-prefix",
            "import2.",
            "--bootstrap-servers",
            bootstrap);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("parsed 200, rejected 0");
    List<ConsumerRecord<String, byte[]>> events = readAll(topics.logs().name(), 200);
    assertThat(events).hasSize(200);
    LogEvent first =
        events.stream()
            .map(Codecs.LOG_EVENT::decode)
            .filter(e -> "10.1.0.0".equals(e.fields().get("srcAddr")))
            .findFirst()
            .orElseThrow();
    assertThat(first.fields())
        .containsEntry("vpcId", "vpc-0abc")
        .containsEntry("bytes", 1000L)
        .containsEntry("action", "ACCEPT");
    assertThat(first.timestamp()).isEqualTo(Instant.ofEpochSecond(1772359200));
  }

  @Test
  void shouldExitTwoOnUsageErrorsWithAClearMessage() throws Exception {
    Path file = dir.resolve("a.log");
    Files.writeString(file, "x\n");
    CliRun missing =
        run("logs", "import", "nope.log", "--log-group", "g", "--format", "raw", "--quiet");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.log: no such file");

    CliRun wrongOption =
        run(
            "logs",
            "import",
            file.toString(),
            "--log-group",
            "g",
            "--format",
            "nginx",
            "--fields",
            "${version}");
    assertThat(wrongOption.exitCode()).isEqualTo(2);
    assertThat(wrongOption.err()).contains("--fields is the custom format of VPC flow logs");

    CliRun unknown =
        run("logs", "import", file.toString(), "--log-group", "g", "--format", "ngnix");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown log format 'ngnix' (did you mean 'nginx'?)");

    CliRun noTopics =
        run(
            "logs",
            "import",
            file.toString(),
            "--log-group",
            "g",
            "--format",
            "raw",
            "--topic-prefix",
            "nosuchprefix.",
            "--bootstrap-servers",
            bootstrap);
    assertThat(noTopics.exitCode()).isEqualTo(2);
    assertThat(noTopics.err()).contains("must exist on " + bootstrap);
  }

  @Test
  void shouldSayIsADirectoryWhenAFileArgumentIsADirectory() throws Exception {
    Path logs = Files.createDirectory(dir.resolve("logs"));

    CliRun run =
        run("logs", "import", logs.toString(), "--log-group", "g", "--format", "raw", "--quiet");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "tidewatch: "
                + logs
                + ": is a directory; give the files in it (e.g. "
                + logs.resolve("*.log")
                + ")");
  }

  @Test
  void shouldNameTheFileAndPrintTheCountsWhenAGzipFileIsTruncated() throws Exception {
    topics("truncated.");
    Path whole = dir.resolve("whole.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      for (int i = 0; i < 20_000; i++) {
        out.write((nginxLine(i) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path truncated = dir.resolve("access.log.gz");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    CliRun run =
        run(
            "logs",
            "import",
            truncated.toString(),
            "--log-group",
            "/nginx/access",
            "--format",
            "nginx",
            "--quiet",
            "--topic-prefix",
            "truncated.",
            "--bootstrap-servers",
            bootstrap);

    assertThat(run.exitCode()).isEqualTo(2);
    java.util.regex.Matcher error =
        java.util.regex.Pattern.compile(
                "tidewatch: \\Q"
                    + truncated
                    + "\\E: cannot read past line (\\d+): Unexpected end of ZLIB input stream \\(the"
                    + " gzip file is truncated or corrupt\\); the lines before it were imported \\(see"
                    + " the summary\\)")
            .matcher(run.err().strip());
    assertThat(error.matches()).as(run.err()).isTrue();
    long linesRead = Long.parseLong(error.group(1));
    assertThat(linesRead).isPositive().isLessThan(20_000);
    assertThat(run.out())
        .contains("imported 1 file (" + linesRead + " lines")
        .contains("parsed " + linesRead + ", rejected 0");
    assertThat(readAll("truncated.logs", (int) linesRead)).hasSize((int) linesRead);
  }

  @Test
  void shouldSkipAndCountEmptyLinesWhenAGzipFileHoldsThem() throws Exception {
    topics("empties.");
    Path file = dir.resolve("empty-lines.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("first\n".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 10_000; i++) {
        out.write(i % 2 == 0 ? "\n".getBytes(StandardCharsets.UTF_8) : " \t\r\n".getBytes());
      }
      out.write("last\n".getBytes(StandardCharsets.UTF_8));
    }

    CliRun run =
        run(
            "logs",
            "import",
            file.toString(),
            "--log-group",
            "g",
            "--format",
            "raw",
            "--quiet",
            "--topic-prefix",
            "empties.",
            "--bootstrap-servers",
            bootstrap);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("imported 1 file (10002 lines")
        .contains("parsed 2, rejected 0, skipped 10000 empty");
    assertThat(readAll("empties.logs", 2))
        .extracting(record -> Codecs.LOG_EVENT.decode(record).message())
        .containsExactlyInAnyOrder("first", "last");
    assertThat(readAll("empties.dlq.ingest", 0)).isEmpty();
  }

  private static String header(ConsumerRecord<String, byte[]> record, String key) {
    var header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Every record of the topic, reading until {@code expected} arrived or 30 s passed. */
  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // Anything beyond the expected count would be a duplicate: read a little longer.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      return records;
    }
  }
}
