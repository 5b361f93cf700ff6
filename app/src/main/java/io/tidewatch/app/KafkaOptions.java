package io.tidewatch.app;

import io.tidewatch.model.topic.Topics;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every Kafka client subcommand shares. */
final class KafkaOptions {

  static final String BOOTSTRAP_ENV = "TIDEWATCH_BOOTSTRAP_SERVERS";
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description =
          "Kafka to use (default: $" + BOOTSTRAP_ENV + ", else " + DEFAULT_BOOTSTRAP + ").")
  String bootstrapServers;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = Topics.DEFAULT_PREFIX,
      description = "Prefix of every Tidewatch topic (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  String bootstrapServers() {
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      return bootstrapServers;
    }
    String fromEnvironment = System.getenv(BOOTSTRAP_ENV);
    return fromEnvironment == null || fromEnvironment.isBlank()
        ? DEFAULT_BOOTSTRAP
        : fromEnvironment;
  }

  /**
   * Fails with one message naming the address, within seconds, unless Kafka answers and every one
   * of {@code topics} exists; creates nothing.
   */
  void requireTopics(String... topics) {
    KafkaPreflight.requireTopics(bootstrapServers(), List.of(topics));
  }

  Topics topics() {
    return new Topics(topicPrefix);
  }
}
