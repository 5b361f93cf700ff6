package io.tidewatch.app;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The one check every Kafka client command makes before it works: the address is usable, a broker
 * answers within {@link #ANSWER_WITHIN}, and the topics the command needs exist. It only describes
 * topics, never creates them ({@code tidewatch up} does), and each failure is one message naming
 * the address, where the Kafka clients would otherwise wait up to a minute and then report "Timeout
 * expired while fetching topic metadata" without saying where they looked.
 */
final class KafkaPreflight {

  /** How long a broker has to answer; the Kafka clients' own defaults are 30 to 60 s. */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(8);

  private KafkaPreflight() {}

  /**
   * @param topics what must exist; none for a command that creates its own topics
   * @throws OneLineErrors.UsageException naming {@code bootstrapServers} when the address is not
   *     usable, no broker answers in time, or a topic is missing
   */
  static void requireTopics(String bootstrapServers, Collection<String> topics) {
    Admin admin = open(bootstrapServers);
    int timeout = (int) ANSWER_WITHIN.toMillis();
    try {
      KafkaFuture<?> answer =
          topics.isEmpty()
              ? admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).clusterId()
              : admin
                  .describeTopics(
                      List.copyOf(topics), new DescribeTopicsOptions().timeoutMs(timeout))
                  .allTopicNames();
      answer.get(ANSWER_WITHIN.toSeconds() + 2, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new OneLineErrors.UsageException(
            "topic"
                + (topics.size() == 1 ? " " : "s ")
                + String.join(" and ", topics)
                + " must exist on "
                + bootstrapServers
                + " (tidewatch up creates them; check --topic-prefix)");
      }
      throw unreachable(
          bootstrapServers,
          e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
              ? "no answer in " + ANSWER_WITHIN.toSeconds() + " s"
              : e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw unreachable(bootstrapServers, "no answer in " + ANSWER_WITHIN.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + bootstrapServers, e);
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  private static Admin open(String bootstrapServers) {
    int timeout = (int) ANSWER_WITHIN.toMillis();
    try {
      return Admin.create(
          Map.of(
              AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
              bootstrapServers,
              AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
              timeout,
              AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
              timeout,
              AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
              (long) timeout / 2,
              AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
              (long) timeout / 2));
    } catch (KafkaException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new OneLineErrors.UsageException(
          "cannot use Kafka address '"
              + bootstrapServers
              + "' (--bootstrap-servers or $"
              + KafkaOptions.BOOTSTRAP_ENV
              + "): "
              + cause.getMessage());
    }
  }

  private static OneLineErrors.UsageException unreachable(String bootstrapServers, String why) {
    return new OneLineErrors.UsageException(
        "cannot reach Kafka at "
            + bootstrapServers
            + " ("
            + why
            + "); is Tidewatch running (tidewatch up), or is --bootstrap-servers wrong?");
  }
}
