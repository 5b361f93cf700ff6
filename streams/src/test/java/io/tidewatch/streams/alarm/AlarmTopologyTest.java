package io.tidewatch.streams.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.alarm.PercentileSketch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alarm topology driven with explicit event times and a hand-moved wall clock. The wall clock
 * is what makes a silent series' alarm move: no record arrives, yet periods close.
 */
class AlarmTopologyTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final Instant T0 = Instant.parse("2026-11-22T04:00:00Z");
  private static final SeriesId WEB_A =
      SeriesId.of("Host", "cpu_utilization", Map.of("service", "web", "host", "a"));
  private static final SeriesId WEB_B =
      SeriesId.of("Host", "cpu_utilization", Map.of("service", "web", "host", "b"));
  private static final SeriesId DB =
      SeriesId.of("Host", "cpu_utilization", Map.of("service", "db", "host", "c"));

  @TempDir Path stateDir;

  private TopologyTestDriver driver;
  private Instant wallClock;
  private int runs;
  private TestInputTopic<String, MetricPoint> metrics;
  private TestOutputTopic<String, AlarmStateChange> events;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start(String rulesYaml) {
    LoadResult loaded = RuleLoader.loadString("test.yaml", rulesYaml);
    assertThat(loaded.diagnostics()).isEmpty();
    start(loaded.ruleSet());
  }

  private RuleRegistry registry;

  private void start(RuleSet rules) {
    registry = RuleRegistry.of(rules);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "alarm-topology-test-" + ++runs);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            AlarmTopology.build(AlarmTopology.Config.of(TOPICS, registry)), props, T0);
    wallClock = T0;
    metrics =
        driver.createInputTopic(
            TOPICS.metrics().name(), new StringSerializer(), Codecs.METRIC_POINT.serializer());
    events =
        driver.createOutputTopic(
            TOPICS.alarmEvents().name(),
            new StringDeserializer(),
            TOPICS.alarmEvents().codec().deserializer());
  }

  private static final String CPU_HIGH =
      """
      alarms:
        - name: web-cpu-high
          metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web}}
          groupBy: [host]
          statistic: Average
          period: 1m
          evaluationPeriods: 3
          comparison: GreaterThanThreshold
          threshold: 70
      """;

  private void send(SeriesId series, Duration at, double value) {
    send(series, at, at, value);
  }

  /** A point stamped {@code T0 + at} that the receiver wrote to Kafka at {@code T0 + written}. */
  private void send(SeriesId series, Duration at, Duration written, double value) {
    metrics.pipeInput(
        series.key(), new MetricPoint(series, T0.plus(at), value, "%"), T0.plus(written));
  }

  /** The alarm-state topic as the topology writes it: latest state, tombstone on removal. */
  private TestOutputTopic<String, AlarmStateChange> states() {
    return driver.createOutputTopic(
        TOPICS.alarmState().name(),
        new StringDeserializer(),
        TOPICS.alarmState().codec().deserializer());
  }

  /** Moves the wall clock to {@code T0 + at}; punctuators fire. */
  private void wallClockAt(Duration at) {
    Instant target = T0.plus(at);
    Duration step = Duration.ofMillis(500);
    while (wallClock.isBefore(target)) {
      driver.advanceWallClockTime(step);
      wallClock = wallClock.plus(step);
    }
  }

  @Test
  void shouldAlarmPerGroupByInstanceWhenThreeAveragesBreach() {
    start(CPU_HIGH);
    for (int minute = 0; minute < 3; minute++) {
      send(WEB_A, Duration.ofMinutes(minute).plusSeconds(10), 80);
      send(WEB_A, Duration.ofMinutes(minute).plusSeconds(40), 90);
      send(WEB_B, Duration.ofMinutes(minute).plusSeconds(10), 20);
      send(DB, Duration.ofMinutes(minute).plusSeconds(10), 99); // not selected: service=db
    }
    wallClockAt(Duration.ofMinutes(3).plusSeconds(2));

    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("web-cpu-high{host=b} OK", "web-cpu-high{host=a} ALARM");
    AlarmStateChange alarm = changes.get(1);
    assertThat(alarm.detail().instance()).isEqualTo(Map.of("host", "a"));
    assertThat(alarm.detail().previousState().value()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
    assertThat(alarm.detail().state().reason()).contains("85.0").contains("70.0");
    assertThat(alarm.id()).hasSize(32);
  }

  @Test
  void shouldRouteEveryPointOfABatchRecordLikeSinglePointRecords() {
    start(CPU_HIGH);
    TestInputTopic<String, MetricBatch> batches =
        driver.createInputTopic(
            TOPICS.metrics().name(), new StringSerializer(), TOPICS.metrics().codec().serializer());
    for (int minute = 0; minute < 3; minute++) {
      Instant at = T0.plus(Duration.ofMinutes(minute).plusSeconds(10));
      batches.pipeInput(
          null,
          new MetricBatch(
              List.of(
                  new MetricPoint(WEB_A, at, 80, "%"),
                  new MetricPoint(WEB_A, at.plusSeconds(30), 90, "%"),
                  new MetricPoint(WEB_A, at.plusSeconds(30), 90, "%"), // a retried point: once
                  new MetricPoint(WEB_B, at, 20, "%"))));
    }
    wallClockAt(Duration.ofMinutes(3).plusSeconds(2));

    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("web-cpu-high{host=b} OK", "web-cpu-high{host=a} ALARM");
    assertThat(changes.get(1).detail().state().reason()).contains("85.0");
  }

  @Test
  void shouldGoInsufficientDataOnWallClockWhenTheSeriesFallsSilent() {
    start(CPU_HIGH);
    send(WEB_A, Duration.ofSeconds(10), 80);
    send(WEB_A, Duration.ofSeconds(70), 80);
    send(WEB_A, Duration.ofSeconds(130), 80);
    wallClockAt(Duration.ofMinutes(3).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM);

    // No more data: the range (5 periods) empties after 5 more minutes → INSUFFICIENT_DATA.
    wallClockAt(Duration.ofMinutes(8).plusSeconds(2));
    List<AlarmStateChange> silent = events.readValuesToList();
    assertThat(silent)
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.INSUFFICIENT_DATA);
    assertThat(silent.get(0).detail().previousState().value()).isEqualTo(AlarmState.ALARM);
  }

  @Test
  void shouldBreachOnSilenceWhenMissingDataIsBreaching() {
    start(CPU_HIGH.replace("threshold: 70", "threshold: 70\n    treatMissingData: breaching"));
    send(WEB_A, Duration.ofSeconds(10), 10);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.OK);

    wallClockAt(Duration.ofMinutes(6).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM);
  }

  @Test
  void shouldNotLetAFarFutureRecordAdvanceStreamTime() {
    start(CPU_HIGH);
    send(WEB_A, Duration.ofSeconds(10), 80);
    send(WEB_A, Duration.ofDays(30), 80); // a broken agent clock
    send(WEB_B, Duration.ofSeconds(20), 10);
    // Stream time is still in the first minute: nothing closed, nothing evaluated.
    assertThat(events.readValuesToList()).isEmpty();
    assertThat(discarded("future-datapoints-dropped")).isEqualTo(1.0);
  }

  @Test
  void shouldEvaluateByStreamTimeWithoutWaitingForTheEvaluationDelay() {
    start(CPU_HIGH);
    for (int second : new int[] {10, 70, 130}) {
      wallClockAt(Duration.ofSeconds(second));
      send(WEB_A, Duration.ofSeconds(second), 80);
    }
    wallClockAt(Duration.ofMillis(180_500)); // the wall clock alone closes minute 3 at 181 s
    assertThat(events.readValuesToList()).isEmpty();

    send(WEB_A, Duration.ofMillis(180_200), 80); // stream time passes the end of minute 3
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM);
  }

  private static final String CPU_HIGH_10S = CPU_HIGH.replace("period: 1m", "period: 10s");

  @Test
  void shouldKeepEvaluatingOnTimeDataWhenOnePointIsStampedMinutesAhead() {
    start(CPU_HIGH_10S);
    // Hosts a and b report every second; at 45 s one point of a is stamped 4 minutes ahead (a
    // skewed clock, inside the 5-minute future tolerance). From 60 s on, a's values are low.
    for (int second = 0; second <= 120; second++) {
      Duration now = Duration.ofSeconds(second);
      wallClockAt(now);
      send(WEB_A, now, second < 60 ? 80 : 10);
      send(WEB_B, now, 10);
      if (second == 45) {
        send(WEB_A, now.plusMinutes(4), now, 80);
      }
    }
    assertThat(events.readValuesToList())
        .as("every instance of the task goes on with its on-time data, none goes INSUFFICIENT_DATA")
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly(
            "web-cpu-high{host=b} OK", "web-cpu-high{host=a} ALARM", "web-cpu-high{host=a} OK");
    assertThat(discarded("late-datapoints-dropped")).isZero();
    assertThat(discarded("future-datapoints-held")).isEqualTo(1.0);
  }

  @Test
  void shouldEvaluateAPointStampedAheadWhenTheWallClockReachesItsPeriod() {
    start(CPU_HIGH_10S.replace("evaluationPeriods: 3", "evaluationPeriods: 1"));
    for (int second = 0; second <= 285; second++) {
      Duration now = Duration.ofSeconds(second);
      wallClockAt(now);
      send(WEB_A, now, 10);
      if (second == 20) {
        send(WEB_A, Duration.ofSeconds(265), now, 1000); // stamped 4 min 5 s ahead
      }
    }
    List<TestRecord<String, AlarmStateChange>> changes = events.readRecordsToList();
    assertThat(changes)
        .extracting(c -> c.value().detail().state().value())
        .containsExactly(AlarmState.OK, AlarmState.ALARM, AlarmState.OK);
    // [260 s, 270 s) holds ten on-time 10s and the held 1000: average 100, evaluated when it
    // closes.
    TestRecord<String, AlarmStateChange> alarm = changes.get(1);
    assertThat(alarm.value().detail().state().reason()).contains("100.0");
    assertThat(alarm.getRecordTime()).isAfterOrEqualTo(T0.plusSeconds(270));
    assertThat(discarded("future-datapoints-held")).isEqualTo(1.0);
  }

  @Test
  void shouldEvaluateANewInstanceFromTheCurrentPeriodWhenItsFirstPointIsStampedAhead() {
    start(CPU_HIGH_10S.replace("evaluationPeriods: 3", "evaluationPeriods: 1"));
    send(WEB_A, Duration.ofMinutes(4), Duration.ZERO, 80); // the instance's first point
    for (int second = 0; second <= 15; second++) {
      Duration now = Duration.ofSeconds(second);
      wallClockAt(now);
      send(WEB_A, now, 10);
    }
    List<TestRecord<String, AlarmStateChange>> changes = events.readRecordsToList();
    assertThat(changes)
        .extracting(c -> c.value().detail().state().value())
        .containsExactly(AlarmState.OK);
    assertThat(changes.get(0).getRecordTime()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void shouldNotLetAPointStampedAheadCloseBackloggedPeriodsBeforeTheirDataIsRead() {
    start(CPU_HIGH_10S);
    wallClockAt(Duration.ofMinutes(10)); // the processor was down; the data below waited in Kafka
    for (int second = 0; second <= 120; second++) {
      Duration at = Duration.ofSeconds(second);
      send(WEB_A, at, second < 60 ? 80 : 10);
      if (second == 45) {
        send(WEB_A, at.plusMinutes(4), at, 80); // written at 45 s, stamped 4 minutes ahead
      }
    }
    assertThat(events.readValuesToList())
        .as("the backlog is evaluated as it was written, not as the skewed point claims")
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM, AlarmState.OK);
    assertThat(discarded("late-datapoints-dropped")).isZero();
  }

  @Test
  void shouldEmitTheSameTransitionIdsWhenTheSameInputIsReplayed() {
    start(CPU_HIGH);
    send(WEB_A, Duration.ofSeconds(10), 10);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    List<String> first = events.readValuesToList().stream().map(AlarmStateChange::id).toList();
    driver.close();

    driver = null;
    start(CPU_HIGH);
    send(WEB_A, Duration.ofSeconds(10), 10);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    List<String> second = events.readValuesToList().stream().map(AlarmStateChange::id).toList();
    assertThat(first).hasSize(1).isEqualTo(second);
  }

  @Test
  void shouldEvaluateANewRuleAndTombstoneARemovedOneWithoutRestart() {
    start(CPU_HIGH);
    TestOutputTopic<String, AlarmStateChange> states = states();
    send(WEB_A, Duration.ofSeconds(10), 10);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    assertThat(states.readKeyValuesToMap()).containsKey("web-cpu-high{host=a}");

    // rules apply: the CPU alarm is replaced by a memory alarm.
    registry.update(
        RuleLoader.loadString(
                "v2.yaml",
                CPU_HIGH.replace("web-cpu-high", "web-mem-high").replace("cpu_utilization", "mem"))
            .ruleSet());
    wallClockAt(Duration.ofMinutes(1).plusSeconds(4));
    var tombstones = states.readKeyValuesToList();
    assertThat(tombstones).hasSize(1);
    assertThat(tombstones.get(0).key).isEqualTo("web-cpu-high{host=a}");
    assertThat(tombstones.get(0).value).isNull();
    events.readValuesToList();

    SeriesId memory = SeriesId.of("Host", "mem", Map.of("service", "web", "host", "a"));
    send(memory, Duration.ofSeconds(70), 10);
    send(WEB_A, Duration.ofSeconds(70), 10);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("web-mem-high{host=a} OK");
  }

  @Test
  void shouldAlarmOnTheP99WhenTheAverageStaysLow() {
    start(
        CPU_HIGH
            .replace("statistic: Average", "statistic: p99")
            .replace("evaluationPeriods: 3", "evaluationPeriods: 1"));
    for (int i = 0; i < 100; i++) {
      send(WEB_A, Duration.ofMillis(100L * i), i < 97 ? 10 : 95); // average 12.5, p99 95
    }
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM);
    assertThat(changes.get(0).detail().configuration().statistic()).isEqualTo("p99");
  }

  /** A histogram point as the OTLP receiver writes it: statistic set plus DDSketch encoding. */
  private void sendHistogram(SeriesId series, Duration at, int fast, int slow) {
    PercentileSketch sketch = PercentileSketch.empty();
    for (int i = 0; i < fast + slow; i++) {
      sketch = sketch.add(i < fast ? 20 : 900);
    }
    Distribution distribution =
        new Distribution(
            fast + slow,
            fast * 20.0 + slow * 900.0,
            fast > 0 ? 20 : 900,
            slow > 0 ? 900 : 20,
            Base64.getDecoder().decode(sketch.toBase64()));
    metrics.pipeInput(
        series.key(), MetricPoint.ofDistribution(series, T0.plus(at), distribution, "ms"));
  }

  @Test
  void shouldAlarmOnTheP99OfHistogramPointsMergedAcrossSeries() {
    start(
        """
        alarms:
          - name: web-latency-p99
            metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web}}
            statistic: p99
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 500
        """);
    // two hosts, one period: 1000 requests, 20 of them slow; each host alone has an average of 38
    sendHistogram(WEB_A, Duration.ofSeconds(10), 490, 10);
    sendHistogram(WEB_B, Duration.ofSeconds(20), 490, 10);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));

    List<AlarmStateChange> changes = events.readValuesToList();

    assertThat(changes)
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM);
    assertThat(changes.get(0).detail().state().reason()).contains("500.0");
  }

  @Test
  void shouldStayOkWhenTheP99OfHistogramPointsIsBelowTheThreshold() {
    start(
        """
        alarms:
          - name: web-latency-p99
            metric: {namespace: Host, name: cpu_utilization, dimensions: {service: web}}
            statistic: p99
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 500
        """);
    // 1000 requests, 5 slow: the 99th percentile is fast although the maximum is 900
    sendHistogram(WEB_A, Duration.ofSeconds(10), 995, 5);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));

    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.OK);
  }

  @Test
  void shouldAlarmACompositeWhenAnyInstanceOfANamedAlarmAlarms() {
    start(
        CPU_HIGH.replace("evaluationPeriods: 3", "evaluationPeriods: 1")
            + """
            compositeAlarms:
              - name: web-degraded
                rule: ALARM("web-cpu-high") AND NOT ALARM("web-cpu-high{host=b}")
            """);
    send(WEB_A, Duration.ofSeconds(10), 10);
    send(WEB_B, Duration.ofSeconds(10), 10);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactlyInAnyOrder(
            "web-cpu-high{host=a} OK", "web-cpu-high{host=b} OK", "web-degraded OK");

    send(WEB_A, Duration.ofSeconds(70), 95);
    send(WEB_B, Duration.ofSeconds(70), 10);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(2));
    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("web-cpu-high{host=a} ALARM", "web-degraded ALARM");
    assertThat(changes.get(1).detail().state().reason()).contains("is TRUE");
    assertThat(changes.get(1).detail().previousState().value()).isEqualTo(AlarmState.OK);
  }

  @Test
  void shouldLetStreamTimeAloneClosePeriodsWhileWorkingThroughABacklog() {
    start(CPU_HIGH.replace("threshold: 70", "threshold: 70\n    treatMissingData: breaching"));
    wallClockAt(Duration.ofMinutes(10)); // the processor was down; the data below waited in Kafka
    send(WEB_A, Duration.ofSeconds(10), 10);
    send(WEB_A, Duration.ofSeconds(70), 10);
    send(WEB_A, Duration.ofSeconds(130), 10);
    send(WEB_A, Duration.ofSeconds(185), 10);
    // Closing minutes 4..10 by the wall clock at the first record would find them empty and,
    // missing data being breaching, go to ALARM; the data of those minutes was simply not read yet.
    assertThat(events.readValuesToList())
        .as("no period is closed by the wall clock before its data, still in the backlog, is read")
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.OK);
  }

  @Test
  void shouldNotCountADuplicateDatapointTwiceWhenAnExporterRetries() {
    start(
        CPU_HIGH
            .replace("statistic: Average", "statistic: SampleCount")
            .replace("evaluationPeriods: 3", "evaluationPeriods: 1")
            .replace("threshold: 70", "threshold: 1"));
    send(WEB_A, Duration.ofSeconds(10), 50);
    send(WEB_A, Duration.ofSeconds(10), 50); // the same point again: a retried export
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes).extracting(c -> c.detail().state().value()).containsExactly(AlarmState.OK);
    assertThat(changes.get(0).detail().state().reasonData()).contains("\"value\":1.0");
    assertThat(discarded("duplicate-datapoints-dropped")).isEqualTo(1.0);
  }

  /** The total of a discard counter over all tasks, from the Streams metrics. */
  private double discarded(String name) {
    return driver.metrics().entrySet().stream()
        .filter(metric -> metric.getKey().name().equals(name + "-total"))
        .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
        .sum();
  }

  @Test
  void shouldAlarmWhenAValueLeavesTheLearnedBand() {
    start(
        """
        alarms:
          - name: latency-anomaly
            metric: {namespace: Host, name: cpu_utilization}
            statistic: Average
            period: 1m
            evaluationPeriods: 1
            anomalyBand: {width: 2}
            comparison: GreaterThanUpperThreshold
        """);
    for (int minute = 0; minute < 15; minute++) {
      wallClockAt(Duration.ofMinutes(minute).plusSeconds(10));
      send(WEB_A, Duration.ofMinutes(minute).plusSeconds(10), 50 + (minute % 2 == 0 ? 1 : -1));
    }
    wallClockAt(Duration.ofMinutes(15).plusSeconds(10));
    send(WEB_A, Duration.ofMinutes(15).plusSeconds(10), 95);
    wallClockAt(Duration.ofMinutes(16).plusSeconds(2));
    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().state().value())
        .as("insufficient while the band is learned, OK inside it, ALARM above it")
        .containsExactly(AlarmState.OK, AlarmState.ALARM);
    assertThat(changes.get(1).detail().state().reasonData()).contains("95.0");
  }

  private static final String ERROR_RATIO =
      """
      alarms:
        - name: web-5xx-ratio
          metrics:
            e: {metric: {namespace: Web, name: http_5xx}, statistic: Sum}
            r: {metric: {namespace: Web, name: http_requests}, statistic: Sum}
          expression: 100 * e / r
          groupBy: [host]
          period: 1m
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 5
      """;

  private static SeriesId web(String name, String host) {
    return SeriesId.of("Web", name, Map.of("host", host));
  }

  @Test
  void shouldEvaluateAMetricMathAlarmPerInstanceFromBothOfItsMetrics() {
    start(ERROR_RATIO);
    // host a: 12 errors of 200 requests (6%); host b: 2 of 200 (1%).
    for (String host : List.of("a", "b")) {
      send(web("http_requests", host), Duration.ofSeconds(10), 120);
      send(web("http_requests", host), Duration.ofSeconds(40), 80);
    }
    send(web("http_5xx", "a"), Duration.ofSeconds(20), 12);
    send(web("http_5xx", "b"), Duration.ofSeconds(20), 2);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));

    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactlyInAnyOrder("web-5xx-ratio{host=a} ALARM", "web-5xx-ratio{host=b} OK");
    AlarmStateChange alarm =
        changes.stream()
            .filter(c -> c.detail().state().value() == AlarmState.ALARM)
            .findFirst()
            .orElseThrow();
    assertThat(alarm.detail().state().reasonData()).contains("6.0");
    assertThat(alarm.detail().configuration().metricName()).isNull();

    // Minute 1: host a's errors stop while its requests go on: 0% → OK (e missing counts as 0).
    send(web("http_requests", "a"), Duration.ofSeconds(70), 100);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .contains("web-5xx-ratio{host=a} OK");
  }

  @Test
  void shouldAggregateOneSeriesSeparatelyForEachMetricThatSelectsIt() {
    start(
        """
        alarms:
          - name: mean-by-math
            metrics:
              s: {metric: {namespace: Host, name: cpu_utilization}, statistic: Sum}
              n: {metric: {namespace: Host, name: cpu_utilization}, statistic: SampleCount}
            expression: s / n
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 50
        """);
    send(WEB_A, Duration.ofSeconds(10), 40);
    send(WEB_A, Duration.ofSeconds(20), 80); // mean 60: ALARM; a doubled count would give 30
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().state().value())
        .containsExactly(AlarmState.ALARM);
    assertThat(changes.get(0).detail().state().reasonData()).contains("60.0");
  }

  @Test
  void shouldStopCreatingInstancesAtMaxInstancesAndReportItOnce() {
    start(
        CPU_HIGH.replace("evaluationPeriods: 3", "evaluationPeriods: 1") + "    maxInstances: 2\n");
    for (String host : List.of("a", "b", "c", "d")) {
      SeriesId series =
          SeriesId.of("Host", "cpu_utilization", Map.of("service", "web", "host", host));
      send(series, Duration.ofSeconds(10), 10);
      send(series, Duration.ofSeconds(20), 10);
    }
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));

    List<AlarmStateChange> changes = events.readValuesToList();
    assertThat(changes)
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly(
            "tidewatch-cardinality-limit{alarm=web-cpu-high} ALARM",
            "web-cpu-high{host=a} OK",
            "web-cpu-high{host=b} OK");
    assertThat(changes.get(0).detail().state().reason())
        .contains("at most 2 instances")
        .contains("web-cpu-high{host=c}");
    assertThat(changes.get(0).detail().labels()).containsEntry("alarm", "web-cpu-high");
    assertThat(discarded("instances-over-limit")).isEqualTo(4.0);

    // Existing instances go on being evaluated; the limit is not reported again.
    send(WEB_A, Duration.ofSeconds(70), 99);
    send(
        SeriesId.of("Host", "cpu_utilization", Map.of("service", "web", "host", "e")),
        Duration.ofSeconds(70),
        99);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("web-cpu-high{host=a} ALARM");
    assertThat(discarded("instances-over-limit")).isEqualTo(5.0);
  }

  @Test
  void shouldEmitASilentSeriesTransitionWithinTheEvaluationDelayAndOnePunctuation() {
    start(
        """
        alarms:
          - name: quiet
            metric: {namespace: Host, name: quiet}
            statistic: Average
            period: 10s
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 50
            treatMissingData: breaching
          - name: busy
            metric: {namespace: Host, name: busy}
            groupBy: [host]
            statistic: Average
            period: 10s
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 50
        """);
    SeriesId quiet = SeriesId.of("Host", "quiet", Map.of("host", "q"));
    SeriesId busy = SeriesId.of("Host", "busy", Map.of("host", "b"));
    // Both report every 200 ms for 30 s; then the quiet one falls silent and the busy one goes on.
    Long alarmedAt = null;
    for (long t = 0; t <= 80_000 && alarmedAt == null; t += 200) {
      wallClockAt(Duration.ofMillis(t));
      send(busy, Duration.ofMillis(t), 10);
      if (t < 30_000) {
        send(quiet, Duration.ofMillis(t), 10);
      }
      for (AlarmStateChange change : events.readValuesToList()) {
        if (change.detail().alarmName().equals("quiet")
            && change.detail().state().value() == AlarmState.ALARM) {
          alarmedAt = t;
        }
      }
    }
    // Last datapoint in [20 s, 30 s); the range (3 periods) is empty from 60 s on.
    assertThat(alarmedAt).isNotNull().isBetween(60_000L, 61_600L);
  }

  /** Alarms without groupBy on a metric that never reports, one per treatment of missing data. */
  private static final String HEARTBEATS =
      """
      alarms:
        - name: job-heartbeat
          metric: {namespace: Jobs, name: nightly_run}
          statistic: SampleCount
          period: 1m
          evaluationPeriods: 1
          comparison: LessThanThreshold
          threshold: 1
          treatMissingData: breaching
        - name: job-errors
          metric: {namespace: Jobs, name: errors}
          statistic: Sum
          period: 1m
          evaluationPeriods: 3
          comparison: GreaterThanThreshold
          threshold: 0
          treatMissingData: notBreaching
        - name: job-latency
          metric: {namespace: Jobs, name: latency}
          statistic: Average
          period: 1m
          evaluationPeriods: 3
          comparison: GreaterThanThreshold
          threshold: 100
        - name: host-heartbeat
          metric: {namespace: Jobs, name: nightly_run}
          groupBy: [host]
          statistic: SampleCount
          period: 1m
          evaluationPeriods: 1
          comparison: LessThanThreshold
          threshold: 1
          treatMissingData: breaching
      """;

  @Test
  void shouldEvaluateAnAlarmWithoutGroupByFromTheStartWhenItsMetricNeverReports() {
    start(HEARTBEATS);

    wallClockAt(Duration.ofSeconds(59));
    assertThat(events.readValuesToList()).isEmpty();

    // The first period closes at 1m; evaluated by the wall clock after the evaluation delay (1 s).
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactlyInAnyOrder("job-heartbeat ALARM", "job-errors OK");

    // job-latency (missing) stays INSUFFICIENT_DATA without an event; host-heartbeat (groupBy) has
    // no instance before its first datapoint.
    wallClockAt(Duration.ofMinutes(6).plusSeconds(2));
    assertThat(events.readValuesToList()).isEmpty();
    TestOutputTopic<String, AlarmStateChange> states = states();
    assertThat(states.readKeyValuesToMap()).doesNotContainKey("host-heartbeat{host=a}");
  }

  @Test
  void shouldEvaluateANewlyAppliedAlarmFromThePeriodItWasAppliedIn() {
    start(CPU_HIGH);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(30));

    registry.update(RuleLoader.loadString("v2.yaml", HEARTBEATS).ruleSet());
    wallClockAt(Duration.ofMinutes(3));
    assertThat(events.readValuesToList()).isEmpty();

    // Applied in [2m, 3m): that period is its first, evaluated at 3m + the evaluation delay.
    wallClockAt(Duration.ofMinutes(3).plusSeconds(2));
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactlyInAnyOrder("job-heartbeat ALARM", "job-errors OK");
  }

  @Test
  void shouldCountAnAlarmAsExistingFromItsApplyWhenTheRulesReachTheProcessorLate() {
    start(CPU_HIGH);
    wallClockAt(Duration.ofMinutes(3));

    // Applied at 2m58s; the processor sees the rules in the next period.
    registry.update(
        RuleLoader.loadString("v2.yaml", HEARTBEATS).ruleSet(),
        java.util.Optional.of(T0.plus(Duration.ofMinutes(2).plusSeconds(58))));
    wallClockAt(Duration.ofMinutes(3).plusSeconds(2));

    // [2m, 3m) was its first period: evaluated at 3m + the evaluation delay, not at 4m.
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactlyInAnyOrder("job-heartbeat ALARM", "job-errors OK");
  }

  @Test
  void shouldStartAnAnnouncedAlarmFromItsFirstDatapointWhenNothingHappenedToItYet() {
    start(
        """
        alarms:
          - name: job-latency
            metric: {namespace: Jobs, name: latency}
            statistic: Average
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 100
        """);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(30));
    assertThat(events.readValuesToList()).isEmpty();

    // job-latency (missing) kept INSUFFICIENT_DATA at 1m and 2m without an event; its first
    // datapoint, for [1m, 2m), is evaluated as it would be by an instance it created.
    SeriesId latency = SeriesId.of("Jobs", "latency", Map.of("host", "a"));
    send(latency, Duration.ofSeconds(90), Duration.ofSeconds(150), 250);
    // A point a minute old looks like a backlog: the wall clock closes periods again once no
    // record came for the backlog tolerance (2 s).
    wallClockAt(Duration.ofMinutes(2).plusSeconds(34));

    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("job-latency ALARM");
  }

  @Test
  void shouldKeepTheStateOfAnAnnouncedAlarmWhenItsDataArrives() {
    start(HEARTBEATS);
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    events.readValuesToList();

    SeriesId job = SeriesId.of("Jobs", "nightly_run", Map.of("host", "a"));
    send(job, Duration.ofSeconds(70), 1);
    wallClockAt(Duration.ofMinutes(2).plusSeconds(2));

    assertThat(events.readValuesToList())
        .extracting(
            c ->
                c.detail().alarmInstance()
                    + " "
                    + c.detail().previousState().value()
                    + " -> "
                    + c.detail().state().value())
        .containsExactlyInAnyOrder(
            "job-heartbeat ALARM -> OK", "host-heartbeat{host=a} INSUFFICIENT_DATA -> OK");
  }

  @Test
  void shouldCloseAndTombstoneAnAlarmRemovedWhileInAlarm() {
    start(HEARTBEATS);
    TestOutputTopic<String, AlarmStateChange> states = states();
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    AlarmStateChange alarmed =
        events.readValuesToList().stream()
            .filter(c -> c.detail().alarmInstance().equals("job-heartbeat"))
            .findFirst()
            .orElseThrow();
    states.readKeyValuesToList();

    // rules apply without the heartbeat, and with job-errors unchanged.
    registry.update(
        RuleLoader.loadString(
                "v2.yaml",
                HEARTBEATS.substring(0, HEARTBEATS.indexOf("  - name: job-heartbeat"))
                    + HEARTBEATS.substring(HEARTBEATS.indexOf("  - name: job-errors")))
            .ruleSet());
    wallClockAt(Duration.ofMinutes(1).plusSeconds(4));

    List<AlarmStateChange> closing = events.readValuesToList();
    assertThat(closing).hasSize(1);
    AlarmStateChange.Detail detail = closing.get(0).detail();
    assertThat(detail.alarmInstance()).isEqualTo("job-heartbeat");
    assertThat(detail.state().value()).isEqualTo(AlarmState.OK);
    assertThat(detail.state().reason()).startsWith("alarm removed while in ALARM");
    assertThat(detail.previousState().value()).isEqualTo(AlarmState.ALARM);
    assertThat(detail.previousState().reason()).isEqualTo(alarmed.detail().state().reason());
    assertThat(detail.configuration().treatMissingData()).isEqualTo("breaching");
    assertThat(closing.get(0).id()).isNotEqualTo(alarmed.id());
    var written = states.readKeyValuesToList();
    assertThat(written).extracting(kv -> kv.key).containsExactly("job-heartbeat", "job-heartbeat");
    assertThat(written.get(1).value).as("tombstone after the closing event").isNull();

    // It is no longer evaluated: nothing more, however long the wall clock runs.
    wallClockAt(Duration.ofMinutes(4).plusSeconds(2));
    assertThat(events.readValuesToList()).isEmpty();
    assertThat(states.readKeyValuesToList()).isEmpty();
  }

  @Test
  void shouldTombstoneTheRemovedAlarmsAndCloseOnlyTheOneInAlarm() {
    start(HEARTBEATS);
    TestOutputTopic<String, AlarmStateChange> states = states();
    wallClockAt(Duration.ofMinutes(1).plusSeconds(2));
    events.readValuesToList();
    states.readKeyValuesToList();

    registry.update(RuleLoader.loadString("v2.yaml", CPU_HIGH).ruleSet());
    wallClockAt(Duration.ofMinutes(1).plusSeconds(4));

    // job-errors (OK) and job-latency (INSUFFICIENT_DATA) go without an event.
    assertThat(events.readValuesToList())
        .extracting(c -> c.detail().alarmInstance() + " " + c.detail().state().value())
        .containsExactly("job-heartbeat OK");
    assertThat(states.readKeyValuesToList())
        .filteredOn(kv -> kv.value == null)
        .extracting(kv -> kv.key)
        .containsExactlyInAnyOrder("job-heartbeat", "job-errors", "job-latency");
  }

  @Test
  void shouldKeepTheTopologyShapeStable() throws IOException {
    String described =
        AlarmTopology.build(AlarmTopology.Config.of(TOPICS, RuleSet.empty())).describe().toString();
    if (Boolean.getBoolean("golden.update")) {
      java.nio.file.Files.writeString(
          Path.of("src/test/resources/golden/alarm-topology.txt"), described.strip() + "\n");
    }
    try (InputStream golden = getClass().getResourceAsStream("/golden/alarm-topology.txt")) {
      assertThat(golden).as("golden file /golden/alarm-topology.txt").isNotNull();
      assertThat(described.strip())
          .as("store, repartition and changelog names are a contract: renaming one loses state")
          .isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8).strip());
    }
  }
}
