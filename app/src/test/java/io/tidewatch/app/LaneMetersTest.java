package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.actions.core.ActionWorker;
import io.tidewatch.actions.core.ActionWorkerConfig;
import io.tidewatch.actions.core.RetryPolicy;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.meter.MetricsEndpoint;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lanes' health as {@code /metrics} shows it, for a worker whose lanes cannot run. */
@ExtendWith(EmbeddedKafkaExtension.class)
class LaneMetersTest {

  @Test
  void shouldShowALaneDownOnMetricsWhenItStoppedForGood(EmbeddedBroker broker) throws Exception {
    Topics topics = new Topics("meters" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (Admin admin = Admin.create(broker.clientConfig())) {
      new TopicBootstrap(admin, (short) 1).ensure(topics.specs());
    }
    // below the broker's group.min.session.timeout.ms (6 s): no lane can ever join
    ActionWorkerConfig config =
        ActionWorkerConfig.of(broker.bootstrapServers(), topics)
            .withEnvironment(Map.of())
            .withKafka(
                Map.of(
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                    1000,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                    300))
            .withLaneRestart(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(10), 2));
    try (MetricsEndpoint metrics = MetricsEndpoint.start("127.0.0.1", 0);
        ActionWorker worker = new ActionWorker(config, RuleSet::empty, Clock.systemUTC())) {
      worker.start();
      LaneMeters.register(worker, metrics.registry());

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> scrape(metrics).contains("tidewatch_action_lane_up{lane=\"slack\"} 0.0"));
      assertThat(scrape(metrics))
          .contains("tidewatch_action_lane_recoveries_total{lane=\"slack\"} 1.0")
          .contains("tidewatch_action_lane_up{lane=\"unroutable\"} 0.0");
    }
  }

  private static String scrape(MetricsEndpoint metrics) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(metrics.uri()).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
