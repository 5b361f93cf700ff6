package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, acceptance 3 (RELIABILITY.md 6): {@code tidewatch ingest} runs as its own process and is
 * killed with {@code kill -9} twice while two files are written and rotated, one by rename and one
 * by copytruncate, with lines sometimes written in two parts. Afterwards every line written is in
 * {@code tw.logs} exactly once for a read_committed consumer: none lost, none duplicated.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class IngestCrashTest {

  private static final String PREFIX = "ingestcrash.";
  private static final Topics TOPICS = new Topics(PREFIX);

  @TempDir Path dir;

  private int started;

  @Test
  void shouldDeliverEveryLineExactlyOnceWhenTheWorkerIsKilledWhileFilesRotate(EmbeddedBroker broker)
      throws Exception {
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(TOPICS.specs());
    }
    Path logs = Files.createDirectory(dir.resolve("logs"));
    RotatingWriter writer = new RotatingWriter(logs);
    Thread writing = new Thread(writer, "rotating-writer");
    writing.start();
    Process worker = startWorker(broker, logs);
    try {
      for (int kill = 0; kill < 2; kill++) {
        long before = countLogs(broker);
        int copies = writer.copytruncates();
        // Killed after a copytruncate the running worker saw: its copy was taken up at the
        // original's offset without a line, which a restart must not read again.
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> writer.copytruncates() > copies && countLogs(broker) > before + 200);
        worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9, mid-rotation
        worker = startWorker(broker, logs);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> writer.rotations() >= 12);
      writer.stop();
      writing.join(10_000);
      List<String> written = writer.written();
      assertThat(written).hasSizeGreaterThan(1000);
      assertThat(writer.rotations()).isGreaterThanOrEqualTo(12);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> ids(broker).size() >= written.size());
      List<String> delivered = ids(broker);
      assertThat(delivered).as("no line delivered twice").doesNotHaveDuplicates();
      assertThat(delivered).as("every line delivered").containsExactlyInAnyOrderElementsOf(written);
      assertThat(dlqCount(broker)).as("no line was rejected").isZero();
    } finally {
      writer.stop();
      worker.destroyForcibly();
    }
  }

  private Process startWorker(EmbeddedBroker broker, Path logs) throws Exception {
    Path log = dir.resolve("worker.log");
    Process process =
        ChildTidewatch.start(
            log,
            "384m",
            Map.of(),
            List.of(
                "ingest",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic-prefix",
                PREFIX,
                "--files",
                logs + "/a.log*," + logs + "/b.log*",
                "--format",
                "json",
                "--log-group",
                "/crash/test",
                "--rest-port",
                "0",
                "--metrics-port",
                "0",
                "-W",
                "session.timeout.ms=6000",
                "-W",
                "heartbeat.interval.ms=1000"));
    int expected = started + 1;
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("tidewatch ingest exited: " + Files.readString(log));
              }
              return Files.readString(log).split("Tidewatch ingest is up", -1).length > expected;
            });
    started = expected;
    return process;
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedBroker broker) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(EmbeddedBroker broker, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(broker)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline
          && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  private static long countLogs(EmbeddedBroker broker) {
    return readAll(broker, TOPICS.logs().name()).size();
  }

  private static long dlqCount(EmbeddedBroker broker) {
    return readAll(broker, TOPICS.dlq("ingest").name()).size();
  }

  private static List<String> ids(EmbeddedBroker broker) {
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : readAll(broker, TOPICS.logs().name())) {
      LogEvent event = TOPICS.logs().codec().decode(record);
      ids.add(String.valueOf(event.fields().get("id")));
    }
    return ids;
  }

  /**
   * Writes JSON lines to a.log and b.log, every so often in two parts, and rotates them in turn:
   * a.log by rename (with a few late lines into the renamed file, as a logger does before it
   * reopens), b.log by copytruncate. Rotation and writing are one thread, so no line falls into
   * copytruncate's own gap between copy and truncate.
   */
  private static final class RotatingWriter implements Runnable {
    private static final long QUIET_BEFORE_COPYTRUNCATE_MS = 1_000;

    private final Path dir;
    private final List<String> written = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile int rotations;
    private volatile int copytruncates;
    private int sequence;

    RotatingWriter(Path dir) {
      this.dir = dir;
    }

    @Override
    public void run() {
      Path a = dir.resolve("a.log");
      Path b = dir.resolve("b.log");
      try {
        OutputStream aOut = open(a);
        OutputStream bOut = open(b);
        long nextRotation = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        int generation = 0;
        while (running.get()) {
          line(aOut, "a");
          line(bOut, "b");
          Thread.sleep(4);
          if (System.nanoTime() - nextRotation >= 0) {
            generation++;
            if (generation % 2 == 1) {
              Files.move(a, dir.resolve("a.log." + generation), StandardCopyOption.ATOMIC_MOVE);
              line(aOut, "a"); // late lines into the renamed file
              line(aOut, "a");
              aOut.close();
              aOut = open(a);
            } else {
              // A quiet moment first, as when logrotate runs at night: the worker has read all of
              // b.log, so it takes up the copy at its end without reading a line from it.
              Thread.sleep(QUIET_BEFORE_COPYTRUNCATE_MS);
              Files.copy(b, dir.resolve("b.log." + generation));
              try (FileChannel truncate = FileChannel.open(b, StandardOpenOption.WRITE)) {
                truncate.truncate(0);
              }
              copytruncates++;
            }
            synchronized (this) {
              rotations++;
            }
            nextRotation = System.nanoTime() + Duration.ofMillis(1500).toNanos();
          }
        }
        aOut.close();
        bOut.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static OutputStream open(Path file) throws IOException {
      return Files.newOutputStream(
          file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void line(OutputStream out, String file) throws IOException, InterruptedException {
      String id = file + "-" + sequence++;
      byte[] bytes =
          ("{\"id\":\"" + id + "\",\"padding\":\"" + "x".repeat(sequence % 40) + "\"}\n")
              .getBytes(StandardCharsets.UTF_8);
      if (sequence % 7 == 0) {
        int half = bytes.length / 2;
        out.write(bytes, 0, half); // a partial line, completed a moment later
        out.flush();
        Thread.sleep(3);
        out.write(bytes, half, bytes.length - half);
      } else {
        out.write(bytes);
      }
      out.flush();
      synchronized (this) {
        written.add(id);
      }
    }

    int rotations() {
      return rotations;
    }

    int copytruncates() {
      return copytruncates;
    }

    synchronized List<String> written() {
      return new ArrayList<>(written);
    }

    void stop() {
      running.set(false);
    }
  }
}
