package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped agent, started again with the same spool directory, goes on after the last line it
 * shipped: lines written while it was down, before and after a rotation, all arrive, once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AgentRestartTest {

  @TempDir Path dir;

  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void shouldShipEveryLineWrittenWhileStoppedAndAcrossARenameOnceAfterARestart(
      EmbeddedBroker broker) throws Exception {
    Topics topics = topics(broker, "agentrestart.");
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = logs.resolve("app.log");
    append(log, "old 1\nold 2\n");
    AgentConfig config = config(broker, topics, log, "");

    agent = Agent.start(config, quiet());
    append(log, lines(1, 20));
    assertThat(awaitMessages(broker, topics, 20)).containsExactlyElementsOf(expected(1, 20));
    agent.close(Duration.ofSeconds(5));
    agent = null;
    assertThat(dir.resolve("spool").resolve(PositionFile.NAME)).exists();

    // While the agent is down: more lines, a rotation by rename, lines in the new file.
    append(log, lines(21, 40));
    Files.move(log, logs.resolve("app.log.1"));
    append(log, lines(41, 60));

    agent = Agent.start(config, quiet());
    append(log, lines(61, 70));
    List<LogEvent> events = awaitEvents(broker, topics, 70);
    assertThat(events.stream().map(LogEvent::message).toList())
        .as("every line once, none of those there before the first start")
        .containsExactlyInAnyOrderElementsOf(expected(1, 70));
    assertThat(events)
        .allSatisfy(event -> assertThat(event.logStream()).isEqualTo("restart-host:" + log));
  }

  @Test
  void shouldNotShipACopytruncateCopyAgainAfterARestart(EmbeddedBroker broker) throws Exception {
    Topics topics = topics(broker, "agentcopytruncate.");
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = logs.resolve("app.log");
    append(log, "");
    AgentConfig config = config(broker, topics, logs.resolve("app.log*"), "");

    agent = Agent.start(config, quiet());
    append(log, lines(1, 20));
    assertThat(awaitMessages(broker, topics, 20)).containsExactlyElementsOf(expected(1, 20));
    Files.copy(log, logs.resolve("app.log.1")); // copytruncate: the copy holds what was shipped
    Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
    append(log, lines(21, 30));
    assertThat(awaitMessages(broker, topics, 30)).containsExactlyElementsOf(expected(1, 30));
    agent.close(Duration.ofSeconds(5));

    agent = Agent.start(config, quiet());
    append(log, lines(31, 35));
    assertThat(awaitMessages(broker, topics, 35))
        .as("the copy is not shipped again")
        .containsExactlyElementsOf(expected(1, 35));
  }

  @Test
  void shouldShipWhatTheFilesHoldOnTheFirstStartWithStartAtBeginningAndNotAgain(
      EmbeddedBroker broker) throws Exception {
    Topics topics = topics(broker, "agentbeginning.");
    Path log = dir.resolve("app.log");
    append(log, lines(1, 5));
    AgentConfig config = config(broker, topics, log, "startAt: beginning");

    agent = Agent.start(config, quiet());
    assertThat(awaitMessages(broker, topics, 5)).containsExactlyElementsOf(expected(1, 5));
    agent.close(Duration.ofSeconds(5));

    agent = Agent.start(config, quiet());
    append(log, lines(6, 8));
    assertThat(awaitMessages(broker, topics, 8)).containsExactlyElementsOf(expected(1, 8));
  }

  private static Topics topics(EmbeddedBroker broker, String prefix) throws Exception {
    Topics topics = new Topics(prefix);
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    return topics;
  }

  private AgentConfig config(EmbeddedBroker broker, Topics topics, Path log, String extra)
      throws IOException {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        interval: 1s
        host: restart-host
        hostMetrics: false
        kafka: {bootstrapServers: "%s", topicPrefix: %s}
        spool: {dir: "%s"}
        logs:
          - paths: ["%s"]
            format: raw
            logGroup: /app
            %s
        """
            .formatted(
                broker.bootstrapServers(), topics.prefix(), dir.resolve("spool"), log, extra));
    return AgentConfigLoader.load(file);
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private static String lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    for (String line : expected(from, to)) {
      text.append(line).append('\n');
    }
    return text.toString();
  }

  private static List<String> expected(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i).toList();
  }

  private static List<String> awaitMessages(EmbeddedBroker broker, Topics topics, int count) {
    return awaitEvents(broker, topics, count).stream().map(LogEvent::message).toList();
  }

  /** The events on the logs topic once there are {@code count}, plus any that follow shortly. */
  private static List<LogEvent> awaitEvents(EmbeddedBroker broker, Topics topics, int count) {
    List<LogEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      String topic = topics.logs().name();
      Collection<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(300))) {
                  events.add(Codecs.LOG_EVENT.decode(record));
                }
                return events.size() >= count;
              });
      // Read what else is there, so that duplicates would show.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> events.add(Codecs.LOG_EVENT.decode(r)));
    }
    return events;
  }
}
