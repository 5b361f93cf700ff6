package io.tidewatch.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.codec.MalformedRecordException;
import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.topic.Topic;
import io.tidewatch.rules.RuleDocuments;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.test.AlarmReplay;
import io.tidewatch.streams.rules.RulesTopic;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tidewatch rules backtest DIR --since 24h}: replays the retained metrics through the
 * candidate rules and through the rules in force, and shows per alarm instance the transitions each
 * would have produced. Both rule sets count as applied at the start of the replay: an alarm without
 * {@code groupBy} is evaluated from then on, data or not, as the stream processor does after {@code
 * rules apply}. It reads the metrics topic with its own consumer, without a consumer group, and
 * never writes: live alarm state is not touched.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the retained metrics through the rule files in DIR and through the rules currently"
          + " applied, and show per alarm instance the transitions each would have produced.",
      "Read-only: live alarm state is never touched."
    })
final class BacktestCommand implements Callable<Integer> {

  /** How the result is printed. */
  enum Output {
    text,
    json
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "DIR", description = "Directory of candidate rule files (*.yaml).")
  Path directory;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      defaultValue = "24h",
      converter = DurationConverter.class,
      description = "How far back to replay (default: ${DEFAULT-VALUE}).")
  Duration since;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  Output output;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    if (!Files.isDirectory(directory)) {
      throw new OneLineErrors.UsageException("rules directory " + directory + " does not exist");
    }
    RuleSet candidate = RuleFiles.checked(RuleLoader.load(directory)).ruleSet();
    kafka.requireTopics(kafka.topics().rules().name(), kafka.topics().metrics().name());
    RuleSet current =
        RuleDocuments.load(
                new RulesTopic(kafka.bootstrapServers(), kafka.topics()).readAll().values())
            .ruleSet();
    Instant until = clock.instant();
    Instant from = until.minus(since);
    AlarmReplay candidateReplay = new AlarmReplay(candidate, from.toEpochMilli());
    AlarmReplay currentReplay = new AlarmReplay(current, from.toEpochMilli());
    long points = replay(from, List.of(candidateReplay, currentReplay));
    Map<String, List<AlarmReplay.Transition>> wouldHave =
        candidateReplay.transitions(until.toEpochMilli());
    Map<String, List<AlarmReplay.Transition>> had = currentReplay.transitions(until.toEpochMilli());
    PrintWriter out = spec.commandLine().getOut();
    if (output == Output.json) {
      out.println(json(from, until, points, wouldHave, had));
    } else {
      text(out, from, until, points, wouldHave, had);
    }
    out.flush();
    return 0;
  }

  /** Feeds every retained metric point from {@code from} to the end of the topic to the replays. */
  private long replay(Instant from, List<AlarmReplay> replays) {
    Topic<MetricBatch> topic = kafka.topics().metrics();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new OneLineErrors.UsageException(
            "topic " + topic.name() + " does not exist on " + kafka.bootstrapServers());
      }
      List<TopicPartition> partitions =
          infos.stream().map(info -> new TopicPartition(topic.name(), info.partition())).toList();
      consumer.assign(partitions);
      // tw.metrics uses LogAppendTime: --since selects by when points arrived; each point is then
      // placed in its period by its own event time.
      Map<TopicPartition, OffsetAndTimestamp> starts =
          consumer.offsetsForTimes(
              partitions.stream().collect(Collectors.toMap(p -> p, p -> from.toEpochMilli())));
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      for (TopicPartition partition : partitions) {
        OffsetAndTimestamp start = starts.get(partition);
        consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
      }
      long points = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() == null
              || record.offset()
                  >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
            continue;
          }
          MetricBatch batch;
          try {
            batch = topic.codec().decode(record);
          } catch (MalformedRecordException e) {
            continue; // the live processor sends these to the DLQ; a replay skips them
          }
          for (MetricPoint point : batch.points()) {
            for (AlarmReplay replay : replays) {
              replay.add(
                  point.series().namespace(),
                  point.series().name(),
                  point.series().dimensions(),
                  point.timestamp().toEpochMilli(),
                  point.value());
            }
          }
          points += batch.size();
        }
      }
      return points;
    }
  }

  private static void text(
      PrintWriter out,
      Instant from,
      Instant until,
      long points,
      Map<String, List<AlarmReplay.Transition>> wouldHave,
      Map<String, List<AlarmReplay.Transition>> had) {
    out.printf("replayed %,d datapoints from %s to %s%n", points, from, until);
    TreeSet<String> instances = new TreeSet<>(wouldHave.keySet());
    instances.addAll(had.keySet());
    if (instances.isEmpty()) {
      out.println("no alarm instance saw any data");
    }
    for (String instance : instances) {
      List<AlarmReplay.Transition> candidate = wouldHave.getOrDefault(instance, List.of());
      List<AlarmReplay.Transition> current = had.getOrDefault(instance, List.of());
      out.printf(
          "%s: would have alarmed %s; current rules: %s%n",
          instance,
          times(alarms(candidate)),
          had.containsKey(instance) ? times(alarms(current)) : "no such alarm");
      for (AlarmReplay.Transition transition : candidate) {
        out.printf(
            "  %s %s -> %s  %s%n",
            Instant.ofEpochMilli(transition.periodEndMillis()),
            transition.from(),
            transition.to(),
            transition.reason());
      }
    }
  }

  private static long alarms(List<AlarmReplay.Transition> transitions) {
    return transitions.stream().filter(t -> t.to() == AlarmState.ALARM).count();
  }

  private static String times(long count) {
    return count == 0 ? "never" : count == 1 ? "once" : count + " times";
  }

  private static String json(
      Instant from,
      Instant until,
      long points,
      Map<String, List<AlarmReplay.Transition>> wouldHave,
      Map<String, List<AlarmReplay.Transition>> had) {
    ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("from", from.toString());
    root.put("until", until.toString());
    root.put("datapoints", points);
    ArrayNode instances = root.putArray("instances");
    TreeSet<String> ids = new TreeSet<>(wouldHave.keySet());
    ids.addAll(had.keySet());
    for (String id : ids) {
      ObjectNode instance = instances.addObject();
      instance.put("instance", id);
      instance.put("candidateAlarms", alarms(wouldHave.getOrDefault(id, List.of())));
      instance.put("currentAlarms", alarms(had.getOrDefault(id, List.of())));
      transitions(instance.putArray("candidate"), wouldHave.getOrDefault(id, List.of()));
      transitions(instance.putArray("current"), had.getOrDefault(id, List.of()));
    }
    return root.toString();
  }

  private static void transitions(ArrayNode into, List<AlarmReplay.Transition> transitions) {
    for (AlarmReplay.Transition transition : transitions) {
      ObjectNode node = into.addObject();
      node.put("time", Instant.ofEpochMilli(transition.periodEndMillis()).toString());
      node.put("from", transition.from().name());
      node.put("to", transition.to().name());
      node.put("reason", transition.reason());
    }
  }
}
