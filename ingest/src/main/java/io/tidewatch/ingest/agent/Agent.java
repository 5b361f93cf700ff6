package io.tidewatch.ingest.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.tidewatch.ingest.imports.LogRecords;
import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.ingest.meter.IngestSource;
import io.tidewatch.ingest.parse.LineDecoder;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.ingest.tail.FilePosition;
import io.tidewatch.ingest.tail.FileTailer;
import io.tidewatch.ingest.tail.SavedPositions;
import io.tidewatch.ingest.tail.TailedLine;
import io.tidewatch.ingest.tail.TailerConfig;
import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: every interval it collects host metrics and its own, ships them to {@code
 * tw.metrics} and prints a status line; every {@value #LOG_POLL_MILLIS} ms it ships new lines of
 * the configured log files to {@code tw.logs} (rejected lines to {@code tw.dlq.ingest}). With an
 * {@code otlp:} output the same records go to an OTLP/HTTP endpoint instead ({@link
 * OtlpDestination}); the spool, the positions and the guarantees below are the same.
 *
 * <p>Log files are followed by a {@link FileTailer} (rename and copytruncate rotation). The
 * position after the last line shipped of each file is stored in {@code positions.json} of the
 * spool directory ({@link PositionFile}) once the line's record is acknowledged by Kafka (or the
 * OTLP endpoint), refused by it, or in the spool, so a restarted agent goes on after the last line
 * shipped: no line is skipped. After a crash (not after {@link #close}), the lines whose records
 * were not yet acknowledged or spooled, or whose position was not yet stored (at most {@value
 * #LOG_POLL_MILLIS} ms of them), are shipped again: delivery is at least once.
 */
public final class Agent implements AutoCloseable {

  static final long LOG_POLL_MILLIS = 500;

  /** The agent's own metrics that are amounts per interval (see {@link #ownMetrics}). */
  static final Set<String> OWN_COUNTERS =
      Set.of(
          "tidewatch.agent.records.shipped",
          "tidewatch.agent.records.spooled",
          "tidewatch.agent.records.lost",
          "tidewatch.agent.records.rejected",
          "tidewatch.agent.errors",
          "tidewatch.agent.lines.parsed",
          "tidewatch.agent.lines.rejected");

  private static final int BATCH_LINES = 1000;
  private static final int MAX_BATCHES_PER_POLL = 20;
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Topics topics;
  private final Destination destination;
  private final Spool spool;
  private final PositionFile positionFile;
  private final Shipper shipper;
  private final AgentStats stats = new AgentStats();
  private final IngestMeters meters;
  private final HostMetrics hostMetrics;
  private final List<Tail> tails = new ArrayList<>();
  private final PrintStream status;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Long> previous = new HashMap<>();
  private final LineDecoder decoder = LineDecoder.DEFAULT;
  private long lastCpuNanos;
  private long lastWallNanos;

  /** One configured set of log files, how to read them, and what of them was shipped. */
  private record Tail(
      AgentConfig.LogFiles files,
      String setKey,
      LogParser parser,
      LogRecords records,
      FileTailer tailer,
      ShippedPositions positions) {}

  private Agent(AgentConfig config, PrintStream status, MeterRegistry registry) throws IOException {
    this.config = config;
    this.meters = IngestMeters.of(registry, IngestSource.AGENT);
    this.status = status;
    this.topics =
        new Topics(
            config.output() instanceof AgentConfig.Kafka kafka
                ? kafka.topicPrefix()
                : Topics.DEFAULT_PREFIX);
    this.positionFile = PositionFile.open(config.spoolDir());
    try {
      for (AgentConfig.LogFiles files : config.logs()) {
        tails.add(tail(files));
      }
    } catch (IOException | RuntimeException e) {
      closeTailers();
      throw e;
    }
    try {
      this.spool = Spool.open(config.spoolDir(), config.spoolMaxBytes());
    } catch (IOException | RuntimeException e) {
      closeTailers();
      throw e;
    }
    this.destination = destination(config, topics);
    this.shipper = new Shipper(destination, spool, stats);
    this.hostMetrics =
        config.hostMetrics()
            ? new HostMetrics(config.namespace(), config.host(), config.dimensions())
            : null;
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "tidewatch-agent");
              thread.setDaemon(true);
              return thread;
            });
  }

  private static Destination destination(AgentConfig config, Topics topics) {
    if (config.output() instanceof AgentConfig.Otlp otlp) {
      Set<String> sums = new HashSet<>(HostMetrics.COUNTERS);
      sums.addAll(OWN_COUNTERS);
      return new OtlpDestination(
          otlp,
          topics,
          new OtlpRequests(config.host(), sums, config.interval()),
          Clock.systemUTC());
    }
    AgentConfig.Kafka kafka = (AgentConfig.Kafka) config.output();
    return new KafkaDestination(
        new KafkaProducer<>(KafkaDestination.producerConfig(kafka.bootstrapServers())));
  }

  /**
   * A set of log files, resumed at its stored positions; the first time the set is seen, its files
   * are read from their end (only lines written from now on) or, with {@code startAt: beginning},
   * from their start. Files that appear later are read from their start.
   */
  private Tail tail(AgentConfig.LogFiles files) throws IOException {
    List<String> paths =
        files.paths().stream().map(path -> Path.of(path).toAbsolutePath().toString()).toList();
    String setKey = PositionFile.setKey(files.logGroup(), paths);
    Optional<Map<String, FilePosition>> saved = positionFile.saved(setKey);
    FileTailer tailer =
        new FileTailer(
            TailerConfig.of(paths, decoder.maxLineBytes()),
            saved.<SavedPositions>map(positions -> keys -> positions).orElse(SavedPositions.NONE));
    ShippedPositions positions = new ShippedPositions(saved.orElse(Map.of()));
    if (saved.isEmpty() && files.startAt() == AgentConfig.StartAt.END) {
      try {
        tailer.startAtEnd();
      } catch (IOException | RuntimeException e) {
        tailer.close();
        throw e;
      }
      positions.reset(tailer.positions());
    }
    return new Tail(
        files,
        setKey,
        LogFormats.parser(files.format(), files.layout()),
        new LogRecords(topics, files.format()),
        tailer,
        positions);
  }

  /**
   * Starts the agent: each set of log files goes on after its last line shipped (see {@link
   * AgentConfig.LogFiles#startAt()} for the first start).
   *
   * @param status where the status line goes once per interval
   * @throws IOException when the spool or the position file cannot be read or written
   */
  public static Agent start(AgentConfig config, PrintStream status) throws IOException {
    return start(config, status, new CompositeMeterRegistry());
  }

  /**
   * Starts the agent and counts the lines it parses and rejects (by reason) into {@code registry}
   * as {@code tidewatch_ingested_total} / {@code tidewatch_discarded_total} with {@code
   * source="agent"}.
   *
   * @throws IOException when the spool or the position file cannot be read or written
   */
  public static Agent start(AgentConfig config, PrintStream status, MeterRegistry registry)
      throws IOException {
    Agent agent = new Agent(config, status, registry);
    try {
      agent.positionFile.save(agent.safePositions());
    } catch (IOException e) {
      agent.close(Duration.ZERO);
      throw e;
    }
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
        for (int round = 0; round < MAX_BATCHES_PER_POLL; round++) {
          List<TailedLine> lines = tail.tailer().poll(BATCH_LINES);
          List<FilePosition> copies = tail.tailer().takeCopyPositions();
          if (lines.isEmpty() && copies.isEmpty()) {
            break;
          }
          ShippedPositions.Batch batch = tail.positions().inFlight(copies, lines);
          for (TailedLine line : lines) {
            ship(tail, line, now, batch);
          }
        }
      } catch (IOException | UncheckedIOException e) {
        stats.errors.increment();
        LOG.warn("cannot read {}: {}", tail.files().paths(), e.toString());
      }
    }
    storePositions(tails.stream().map(tail -> tail.tailer().paths().keySet()).toList());
  }

  private void ship(Tail tail, TailedLine line, Instant now, ShippedPositions.Batch batch) {
    try {
      int length = line.bytes().length;
      ParseResult result =
          line.cut()
              ? new Rejected(
                  RejectReason.TOO_LONG,
                  "line of "
                      + line.length()
                      + " bytes exceeds the limit of "
                      + decoder.maxLineBytes()
                      + " bytes")
              : decoder.parse(tail.parser(), line.bytes(), 0, length);
      meters.record(result);
      if (result instanceof Parsed) {
        stats.linesParsed.increment();
      } else {
        stats.linesRejected.increment();
      }
      String stream = line.position().stream();
      shipper.ship(
          tail.records()
              .record(
                  tail.files().logGroup(),
                  config.host() + ":" + stream,
                  line.bytes(),
                  length,
                  line.length(),
                  result,
                  now,
                  line.path().toString(),
                  0),
          batch::settle);
    } catch (RuntimeException e) {
      batch.settle();
      stats.errors.increment();
      LOG.error("cannot ship a line of {}: {}", line.path(), e.toString());
    }
  }

  /**
   * Stores the positions of the lines shipped safely, when they moved; records in the spool are
   * forced to disk first.
   *
   * @param followed per tail, the file keys its tailer follows now
   */
  private void storePositions(List<Set<String>> followed) {
    boolean changed = false;
    for (int i = 0; i < tails.size(); i++) {
      changed |= tails.get(i).positions().advance(followed.get(i));
    }
    if (!changed) {
      return;
    }
    try {
      spool.force();
      positionFile.save(safePositions());
    } catch (IOException e) {
      stats.errors.increment();
      LOG.error("cannot store the read positions: {}", e.toString());
    }
  }

  private Map<String, Collection<FilePosition>> safePositions() {
    Map<String, Collection<FilePosition>> positions = new LinkedHashMap<>();
    for (Tail tail : tails) {
      positions.put(tail.setKey(), tail.positions().safe());
    }
    return positions;
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
    points.add(
        own(
            "tidewatch.agent.records.rejected",
            delta("rejected", stats.rejected()),
            "{record}",
            now));
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

  /**
   * {@code <time> agent <host>: shipped N, spooled N (spool B bytes), lost N, rejected N, errors N,
   * lines N parsed / N rejected, kafka|otlp ok|unreachable...}.
   */
  String statusLine(Instant now) {
    return String.format(
        Locale.ROOT,
        "%s agent %s: shipped %d, spooled %d (spool %d bytes), lost %d, rejected %d, errors %d,"
            + " lines %d parsed / %d rejected, %s %s",
        now.truncatedTo(ChronoUnit.SECONDS),
        config.host(),
        stats.shipped(),
        stats.spooled(),
        spool.bytes(),
        spool.lost(),
        stats.rejected(),
        stats.errors(),
        stats.linesParsed(),
        stats.linesRejected(),
        destination.name(),
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
    List<Set<String>> followed =
        tails.stream().map(tail -> Set.copyOf(tail.tailer().paths().keySet())).toList();
    closeTailers();
    shipper.close(timeout);
    storePositions(followed);
    destination.close(Duration.ofSeconds(5));
    try {
      spool.close();
    } catch (IOException e) {
      LOG.warn("closing the spool: {}", e.toString());
    }
  }

  private void closeTailers() {
    for (Tail tail : tails) {
      try {
        tail.tailer().close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", tail.files().paths(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
