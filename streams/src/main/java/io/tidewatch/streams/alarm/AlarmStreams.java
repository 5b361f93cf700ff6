package io.tidewatch.streams.alarm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * Runs the alarm topology with exactly-once processing: a transition is emitted once per {@code
 * transitionId}, even across crashes. Poison records go to the streams DLQ and processing goes on.
 */
public final class AlarmStreams implements AutoCloseable {

  private final KafkaStreams streams;

  private AlarmStreams(KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * @param applicationId the Kafka Streams application id; instances sharing it share the work
   * @param stateDir where the local state stores live (restored from their changelogs if lost)
   */
  public static AlarmStreams start(
      AlarmTopology.Config config, String bootstrapServers, String applicationId, Path stateDir) {
    KafkaStreams streams =
        new KafkaStreams(
            AlarmTopology.build(config),
            properties(config, bootstrapServers, applicationId, stateDir));
    streams.start();
    return new AlarmStreams(streams);
  }

  static Properties properties(
      AlarmTopology.Config config, String bootstrapServers, String applicationId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class);
    props.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        config.topics().dlq("streams").name());
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Every task reads one partition, so there is no input to wait for before processing; idling
    // only costs CPU (Kafka formats a "waiting to fetch" message per empty partition per loop).
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // A crashed instance is noticed in seconds, not the default 45: its partitions (and the alarms
    // on them) move on quickly, well within a typical allowed lateness.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
    return props;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** How many active tasks this instance runs now (all of them when it is alone in its group). */
  int activeTasks() {
    return streams.metadataForLocalThreads().stream()
        .mapToInt(thread -> thread.activeTasks().size())
        .sum();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
