package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.testkit.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OTLP histogram all the way to a percentile alarm: the receiver's sketch is the one the alarm
 * engine merges, so a p99 over the histograms of two hosts alarms although their average is low.
 */
class OtlpHistogramAlarmTest {

  private static final String RULES =
      """
      alarms:
        - name: checkout-latency-p99
          metric: {namespace: checkout, name: http.server.request.duration}
          statistic: p99
          period: 10s
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 500
          treatMissingData: notBreaching
      """;

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;
  @TempDir Path rulesDir;

  @Test
  void shouldAlarmOnTheP99OfOtlpHistogramsFromTwoHosts() throws Exception {
    Files.writeString(rulesDir.resolve("latency.yaml"), RULES);
    AllInOne.Config config =
        new AllInOne.Config(
            dataDir,
            Optional.empty(),
            0,
            "127.0.0.1",
            0,
            0,
            0,
            RuleFiles.forUp(Optional.of(rulesDir), false),
            false,
            false,
            Topics.defaults(),
            Optional.empty());
    try (AllInOne allInOne = AllInOne.start(config, new PrintWriter(new StringWriter(), true))) {
      // In the current period: the alarm exists since its apply and may have evaluated (OK, with
      // notBreaching) the periods before, so a point in one of those would be late.
      Instant now = Instant.now();
      // per host: 490 requests in (10, 25] ms and 10 in (750, 1000] ms, at most 900 ms
      for (String host : List.of("web-1", "web-2")) {
        HttpResponse<String> response = postHistogram(allInOne, host, now);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("partialSuccess");
      }

      AlarmStateChange alarm = awaitAlarm(allInOne.endpoints().bootstrapServers());
      assertThat(alarm.detail().alarmName()).isEqualTo("checkout-latency-p99");
      assertThat(alarm.detail().state().value()).isEqualTo(AlarmState.ALARM);
      assertThat(alarm.detail().configuration().statistic()).isEqualTo("p99");
    }
  }

  private HttpResponse<String> postHistogram(AllInOne allInOne, String host, Instant time)
      throws Exception {
    String body =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"checkout"}},
            {"key":"host.name","value":{"stringValue":"%s"}}]},
          "scopeMetrics":[{"metrics":[{"name":"http.server.request.duration","unit":"ms",
            "histogram":{"aggregationTemporality":1,"dataPoints":[{
              "timeUnixNano":"%d","count":"500","sum":24000,"min":12,"max":900,
              "explicitBounds":[10,25,50,100,250,500,750,1000],
              "bucketCounts":["0","490","0","0","0","0","0","10","0"]}]}}]}]}]}
        """
            .formatted(host, time.toEpochMilli() * 1_000_000L);
    return http.send(
        HttpRequest.newBuilder(allInOne.endpoints().otlpMetrics())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The first ALARM event on tw.alarm-events (an OK for the periods before the data may precede
   * it).
   */
  private static AlarmStateChange awaitAlarm(String bootstrap) {
    var topic = Topics.defaults().alarmEvents();
    return TopicReader.awaitRecords(
            bootstrap,
            topic.name(),
            records ->
                records.stream()
                    .anyMatch(
                        r -> topic.codec().decode(r).detail().state().value() == AlarmState.ALARM),
            Duration.ofSeconds(60))
        .stream()
        .map(topic.codec()::decode)
        .filter(event -> event.detail().state().value() == AlarmState.ALARM)
        .findFirst()
        .orElseThrow();
  }
}
