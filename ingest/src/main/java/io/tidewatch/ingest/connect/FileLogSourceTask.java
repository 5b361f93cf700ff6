package io.tidewatch.ingest.connect;

import io.micrometer.core.instrument.Metrics;
import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.ingest.meter.IngestSource;
import io.tidewatch.ingest.parse.ParseStats;
import io.tidewatch.ingest.tail.FilePosition;
import io.tidewatch.ingest.tail.FileTailer;
import io.tidewatch.ingest.tail.SavedPositions;
import io.tidewatch.ingest.tail.TailedLine;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the files of {@link FileLogSourceConnector}, resuming at the committed offsets.
 *
 * <p>Lines parsed and rejected (by reason) are counted as {@code tidewatch_ingested_total} and
 * {@code tidewatch_discarded_total} with {@code source="file-connector"} in Micrometer's global
 * registry ({@link Metrics#globalRegistry}). Connect creates tasks itself, through their
 * no-argument constructor, so there is no way to hand one a registry; the global registry is the
 * one meeting point between the task and the process that runs the worker: {@code tidewatch ingest}
 * adds its Prometheus registry to it and serves {@code /metrics}. (Connect's own {@code
 * PluginMetrics} would reach only the worker's Kafka metrics, JMX, not that endpoint.) In a worker
 * that adds none (an existing Connect cluster, with the plugin jar and its own copy of Micrometer)
 * the global registry is an empty composite and the counts cost next to nothing; the minute log
 * line remains.
 */
public final class FileLogSourceTask extends SourceTask {

  private static final Logger LOG = LoggerFactory.getLogger(FileLogSourceTask.class);

  private final Object tailerLock = new Object();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private static final long REPORT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ParseStats stats = new ParseStats();
  private final IngestMeters meters =
      IngestMeters.of(Metrics.globalRegistry, IngestSource.FILE_CONNECTOR);
  private String lastReport = "";
  private long nextReportNanos = System.nanoTime() + REPORT_EVERY_NANOS;
  private FileLogSourceConfig config;
  private FileTailer tailer;
  private LineRecords records;

  @Override
  public String version() {
    return Versions.current();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new FileLogSourceConfig(props);
    records =
        new LineRecords(
            config.parser(),
            config.logGroup(),
            config.logStream(),
            config.topics(),
            Clock.systemUTC(),
            stats,
            meters);
    tailer = new FileTailer(config.tailerConfig(), savedPositions(context.offsetStorageReader()));
    LOG.info(
        "tailing {} as {} into {} (log group {})",
        config.globs(),
        config.format(),
        config.topics().logs().name(),
        config.logGroup());
  }

  static SavedPositions savedPositions(OffsetStorageReader reader) {
    return (Collection<String> fileKeys) -> {
      List<Map<String, String>> partitions = new ArrayList<>();
      for (String key : fileKeys) {
        partitions.add(LineRecords.partition(key));
      }
      Map<String, FilePosition> found = new HashMap<>();
      reader
          .offsets(partitions)
          .forEach(
              (partition, offset) -> {
                Object key = partition.get(LineRecords.PARTITION_FILE);
                if (key instanceof String fileKey) {
                  LineRecords.position(fileKey, offset)
                      .ifPresent(position -> found.put(fileKey, position));
                }
              });
      return found;
    };
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    List<TailedLine> lines;
    List<FilePosition> copies;
    synchronized (tailerLock) {
      if (stopped.getCount() == 0) {
        return null;
      }
      try {
        lines = tailer.poll(config.batchLines());
        copies = tailer.takeCopyPositions();
      } catch (IOException e) {
        throw new ConnectException("cannot read the tailed files: " + e.getMessage(), e);
      }
    }
    report(false);
    if (lines.isEmpty() && copies.isEmpty()) {
      stopped.await(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
      return null;
    }
    List<SourceRecord> batch = new ArrayList<>(copies.size() + lines.size());
    for (FilePosition copy : copies) {
      batch.add(records.toPositionRecord(copy));
    }
    for (TailedLine line : lines) {
      batch.add(records.toRecord(line));
    }
    return batch;
  }

  /** Lines parsed and rejected by reason, in the log: every minute when it changed, and at stop. */
  private void report(boolean always) {
    long now = System.nanoTime();
    if (!always && now - nextReportNanos < 0) {
      return;
    }
    nextReportNanos = now + REPORT_EVERY_NANOS;
    String summary = stats.summary();
    if (always || !summary.equals(lastReport)) {
      LOG.info("lines of {}: {}", config.logGroup(), summary);
      lastReport = summary;
    }
  }

  /** What was parsed and rejected (by reason) since the task started. */
  ParseStats stats() {
    return stats;
  }

  @Override
  public void stop() {
    stopped.countDown();
    if (config != null) {
      report(true);
    }
    synchronized (tailerLock) {
      if (tailer != null) {
        try {
          tailer.close();
        } catch (IOException e) {
          LOG.warn("closing the tailed files failed: {}", e.getMessage());
        }
      }
    }
  }
}
