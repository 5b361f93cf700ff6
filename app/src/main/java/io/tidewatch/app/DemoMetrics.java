package io.tidewatch.app;

import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synthetic {@code web} service of {@code tidewatch up --demo}: its CPU idles around 30% for a
 * minute, runs hot around 90% for the next minute, then idles again, over and over (a 4-minute
 * cycle), so the demo alarm goes OK → ALARM → OK within about three minutes of start.
 */
final class DemoMetrics implements AutoCloseable {

  static final SeriesId SERIES =
      SeriesId.of("demo", "cpu_utilization", Map.of("service", "web", "host", "web-1"));
  static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration CYCLE = Duration.ofMinutes(4);
  private static final Duration HOT_FROM = Duration.ofMinutes(1);
  private static final Duration HOT_UNTIL = Duration.ofMinutes(2);
  private static final Logger LOG = LoggerFactory.getLogger(DemoMetrics.class);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tidewatch-demo-metrics");
            thread.setDaemon(true);
            return thread;
          });

  private DemoMetrics() {}

  static DemoMetrics start(Producer<String, byte[]> producer, String topic, Clock clock) {
    DemoMetrics demo = new DemoMetrics();
    Instant startedAt = clock.instant();
    demo.timer.scheduleAtFixedRate(
        () -> {
          Instant now = clock.instant();
          MetricPoint point =
              new MetricPoint(SERIES, now, cpuAt(Duration.between(startedAt, now)), "%");
          producer.send(
              new ProducerRecord<>(topic, SERIES.key(), Codecs.METRIC_POINT.encode(point)),
              (metadata, error) -> {
                if (error != null) {
                  LOG.warn("demo metric not sent: {}", error.getMessage());
                }
              });
        },
        0,
        INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return demo;
  }

  /** CPU utilization in percent {@code elapsed} after start: a deterministic wobble, no noise. */
  static double cpuAt(Duration elapsed) {
    long inCycle = elapsed.toMillis() % CYCLE.toMillis();
    double wobble = 4 * Math.sin(elapsed.toMillis() / 7_000.0);
    boolean hot = inCycle >= HOT_FROM.toMillis() && inCycle < HOT_UNTIL.toMillis();
    return (hot ? 90 : 30) + wobble;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
