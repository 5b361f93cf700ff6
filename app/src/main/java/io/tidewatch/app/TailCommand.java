package io.tidewatch.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.tidewatch.model.codec.Codec;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.model.topic.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidewatch tail TOPIC}: prints the records of any Tidewatch topic as JSON lines. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print the records of a Tidewatch topic as JSON lines (one per record: topic, partition,"
          + " offset, timestamp, key, headers for DLQ topics, and the decoded value).",
      "TOPIC is a full name (tw.metrics) or the name without the prefix (metrics)."
    })
final class TailCommand implements Callable<Integer> {

  /**
   * Created on first use, not when picocli builds the command tree: every {@code tidewatch} command
   * would otherwise pay for Jackson's start-up.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the oldest retained record.")
  boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", description = "Exit after N records.")
  Long max;

  @Option(
      names = "--idle-exit",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Exit when no record arrives for this long (e.g. 5s).")
  Duration idleExit;

  @Override
  public Integer call() {
    Topics topics = kafka.topics();
    String name = resolve(topics, topic);
    Codec<?> codec = topics.codecOf(name).orElseThrow();
    kafka.requireTopics(name);
    PrintWriter out = spec.commandLine().getOut();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<PartitionInfo> partitions = consumer.partitionsFor(name, Duration.ofSeconds(15));
      if (partitions == null || partitions.isEmpty()) {
        throw new OneLineErrors.UsageException(
            "topic " + name + " does not exist on " + kafka.bootstrapServers());
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(name, p.partition())).toList();
      consumer.assign(assigned);
      if (fromBeginning) {
        consumer.seekToBeginning(assigned);
      } else {
        consumer.seekToEnd(assigned);
      }
      long printed = 0;
      long lastRecordAt = System.nanoTime();
      while (max == null || printed < max) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> record : records) {
          out.println(line(record, codec));
          printed++;
          if (max != null && printed >= max) {
            break;
          }
        }
        out.flush();
        if (!records.isEmpty()) {
          lastRecordAt = System.nanoTime();
        } else if (idleExit != null && System.nanoTime() - lastRecordAt >= idleExit.toNanos()) {
          break;
        }
      }
    }
    return 0;
  }

  private static String resolve(Topics topics, String requested) {
    if (topics.codecOf(requested).isPresent()) {
      return requested;
    }
    if (topics.codecOf(topics.prefix() + requested).isPresent()) {
      return topics.prefix() + requested;
    }
    List<String> known =
        topics.specs().stream().map(io.tidewatch.model.topic.TopicSpec::name).toList();
    throw new OneLineErrors.UsageException(
        "'" + requested + "' is not a Tidewatch topic; known topics: " + String.join(", ", known));
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static String line(ConsumerRecord<String, byte[]> record, Codec codec) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("topic", record.topic());
    line.put("partition", record.partition());
    line.put("offset", record.offset());
    line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    line.put("key", record.key());
    if (record.headers().iterator().hasNext()) {
      ObjectNode headers = line.putObject("headers");
      for (Header header : record.headers()) {
        headers.put(
            header.key(),
            header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    if (record.value() == null) {
      line.putNull("value");
      return line.toString();
    }
    try {
      line.putRawValue("value", new RawValue(codec.toJson(codec.decode(record))));
    } catch (MalformedRecordException e) {
      line.put("error", e.getMessage());
    }
    return line.toString();
  }
}
