package io.tidewatch.ingest.agent;

import io.tidewatch.ingest.imports.LogRecords;
import io.tidewatch.ingest.parse.LineDecoder;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: every interval it collects host metrics and its own, ships them to {@code
 * tw.metrics} and prints a status line; every {@value #LOG_POLL_MILLIS} ms it ships new lines of
 * the configured log files to {@code tw.logs} (rejected lines to {@code tw.dlq.ingest}).
 */
public final class Agent implements AutoCloseable {

  static final long LOG_POLL_MILLIS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Topics topics;
  private final Producer<String, byte[]> producer;
  private final Spool spool;
  private final Shipper shipper;
  private final AgentStats stats = new AgentStats();
  private final HostMetrics hostMetrics;
  private final List<Tail> tails = new ArrayList<>();
  private final PrintStream status;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Long> previous = new HashMap<>();
  private final LineDecoder decoder = LineDecoder.DEFAULT;
  private long lastCpuNanos;
  private long lastWallNanos;

  /** One configured set of log files and how to read them. */
  private record Tail(
      AgentConfig.LogFiles files, LogParser parser, LogRecords records, LogSource source) {}

  private Agent(AgentConfig config, PrintStream status) throws IOException {
    this.config = config;
    this.status = status;
    this.topics = new Topics(config.topicPrefix());
    this.spool = Spool.open(config.spoolDir(), config.spoolMaxBytes());
    this.producer = new KafkaProducer<>(Shipper.producerConfig(config.bootstrapServers()));
    this.shipper = new Shipper(producer, spool, stats);
    this.hostMetrics =
        config.hostMetrics()
            ? new HostMetrics(config.namespace(), config.host(), config.dimensions())
            : null;
    for (AgentConfig.LogFiles files : config.logs()) {
      tails.add(
          new Tail(
              files,
              LogFormats.parser(files.format(), files.layout()),
              new LogRecords(topics, files.format()),
              new FileFollower(files.paths(), decoder.maxLineBytes())));
    }
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "tidewatch-agent");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts the agent. Files present now are followed from their end: only lines written from now on
   * are shipped.
   *
   * @param status where the status line goes once per interval
   */
  public static Agent start(AgentConfig config, PrintStream status) throws IOException {
    Agent agent = new Agent(config, status);
    agent.pollLogs();
    agent.lastCpuNanos = processCpuNanos();
    agent.lastWallNanos = System.nanoTime();
    long interval = config.interval().toMillis();
    agent.scheduler.scheduleAtFixedRate(
        agent.safely(agent::collect), interval, interval, TimeUnit.MILLISECONDS);
    agent.scheduler.scheduleWithFixedDelay(
        agent.safely(agent::pollLogs), LOG_POLL_MILLIS, LOG_POLL_MILLIS, TimeUnit.MILLISECONDS);
    return agent;
  }

  public AgentStats stats() {
    return stats;
  }

  public Shipper shipper() {
    return shipper;
  }

  private Runnable safely(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        stats.errors.increment();
        LOG.error("agent task failed: {}", e.toString());
      }
    };
  }

  private void pollLogs() {
    Instant now = Instant.now();
    for (Tail tail : tails) {
      try {
        tail.source()
            .poll(
                (file, line, length, totalLength) -> {
                  ParseResult result =
                      totalLength > length
                          ? new Rejected(
                              RejectReason.TOO_LONG,
                              "line of "
                                  + totalLength
                                  + " bytes exceeds the limit of "
                                  + decoder.maxLineBytes()
                                  + " bytes")
                          : decoder.parse(tail.parser(), line, 0, length);
                  if (result instanceof Parsed) {
                    stats.linesParsed.increment();
                  } else {
                    stats.linesRejected.increment();
                  }
                  shipper.ship(
                      tail.records()
                          .record(
                              tail.files().logGroup(),
                              config.host() + ":" + file,
                              line,
                              length,
                              totalLength,
                              result,
                              now,
                              file,
                              0));
                });
      } catch (IOException e) {
        stats.errors.increment();
        LOG.warn("cannot read {}: {}", tail.files().paths(), e.toString());
      }
    }
  }

  private void collect() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<MetricPoint> points = new ArrayList<>();
    if (hostMetrics != null) {
      try {
        points.addAll(hostMetrics.collect(now));
      } catch (RuntimeException e) {
        stats.errors.increment();
        LOG.warn("host metrics failed: {}", e.toString());
      }
    }
    points.addAll(ownMetrics(now));
    for (MetricPoint point : points) {
      shipper.ship(
          new ProducerRecord<>(
              topics.metrics().name(),
              null,
              now.toEpochMilli(),
              point.series().key(),
              Codecs.METRIC_POINT.encode(point)));
    }
    stats.metricPoints.add(points.size());
    status.println(statusLine(now));
    status.flush();
  }

  private List<MetricPoint> ownMetrics(Instant now) {
    long cpu = processCpuNanos();
    long wall = System.nanoTime();
    double cpuShare =
        wall > lastWallNanos ? (double) (cpu - lastCpuNanos) / (wall - lastWallNanos) : 0;
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    List<MetricPoint> points = new ArrayList<>();
    points.add(
        own("tidewatch.agent.records.shipped", delta("shipped", stats.shipped()), "{record}", now));
    points.add(
        own("tidewatch.agent.records.spooled", delta("spooled", stats.spooled()), "{record}", now));
    points.add(own("tidewatch.agent.records.lost", delta("lost", spool.lost()), "{record}", now));
    points.add(own("tidewatch.agent.errors", delta("errors", stats.errors()), "{error}", now));
    points.add(
        own("tidewatch.agent.lines.parsed", delta("parsed", stats.linesParsed()), "{line}", now));
    points.add(
        own(
            "tidewatch.agent.lines.rejected",
            delta("rejected", stats.linesRejected()),
            "{line}",
            now));
    points.add(own("tidewatch.agent.spool.usage", spool.bytes(), "By", now));
    points.add(own("tidewatch.agent.cpu.utilization", cpuShare, "1", now));
    points.add(
        own(
            "tidewatch.agent.memory.heap.used",
            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
            "By",
            now));
    return points;
  }

  private MetricPoint own(String name, double value, String unit, Instant now) {
    Map<String, String> dimensions = new HashMap<>(config.dimensions());
    dimensions.put("host", config.host());
    return new MetricPoint(SeriesId.of(config.namespace(), name, dimensions), now, value, unit);
  }

  private long delta(String name, long cumulative) {
    Long before = previous.put(name, cumulative);
    return before == null ? cumulative : cumulative - before;
  }

  /** {@code <time> agent <host>: shipped N, spooled N (spool B bytes), lost N, errors N, ...}. */
  String statusLine(Instant now) {
    return String.format(
        Locale.ROOT,
        "%s agent %s: shipped %d, spooled %d (spool %d bytes), lost %d, errors %d, lines %d"
            + " parsed / %d rejected, kafka %s",
        now.truncatedTo(ChronoUnit.SECONDS),
        config.host(),
        stats.shipped(),
        stats.spooled(),
        spool.bytes(),
        spool.lost(),
        stats.errors(),
        stats.linesParsed(),
        stats.linesRejected(),
        shipper.spooling() ? "unreachable, spooling (" + shipper.lastError() + ")" : "ok");
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** Stops collecting, ships what was read, and waits up to {@code timeout} for the spool. */
  public void close(Duration timeout) {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Tail tail : tails) {
      try {
        tail.source().close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", tail.files().paths(), e.toString());
      }
    }
    shipper.close(timeout);
    producer.close(Duration.ofSeconds(5));
    try {
      spool.close();
    } catch (IOException e) {
      LOG.warn("closing the spool: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
