package io.tidewatch.ingest.imports;

import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.ingest.meter.IngestSource;
import io.tidewatch.ingest.parse.LineDecoder;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.ingest.parse.LogParser;
import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.ParseStats;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.model.topic.Topics;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Imports log files into {@code tw.logs}: each line is parsed, parsed lines become events timed by
 * the line, rejected lines go to {@code tw.dlq.ingest} with their reason (nothing is dropped). The
 * log stream of an event is its file's name.
 *
 * <p>One importer is used by one thread at a time; the producer is the caller's (see {@link
 * #producerConfig}) and is flushed, not closed, at the end of {@link #run}.
 */
public final class LogImporter {

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final IngestMeters meters;

  public LogImporter(Producer<String, byte[]> producer, Topics topics) {
    this(producer, topics, IngestMeters.none(IngestSource.IMPORT));
  }

  /**
   * @param meters where parsed and rejected lines are counted (source {@code import}), besides the
   *     summary
   */
  public LogImporter(Producer<String, byte[]> producer, Topics topics, IngestMeters meters) {
    this.producer = producer;
    this.topics = topics;
    this.meters = meters;
  }

  /**
   * Producer settings for bulk loading: lz4, 256 KiB batches, 5 ms linger, idempotent (no
   * duplicates from retries), all replicas acknowledging. Records keep their key (log group and
   * stream) but are spread over every partition ({@code partitioner.ignore.keys}): a backfill has
   * no order to keep beyond each event's own timestamp, and one partition per file would cap the
   * import at what one partition takes.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    return Map.ofEntries(
        Map.entry(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, true),
        Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()),
        Map.entry(
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()),
        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
        Map.entry(ProducerConfig.LINGER_MS_CONFIG, 5),
        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
        Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024),
        Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000));
  }

  /**
   * Compiles the request's parser; call before {@link #run} to report a bad format as a usage
   * error.
   *
   * @throws IllegalArgumentException when the format or its layout is wrong, saying how to fix it
   */
  public static LogParser parser(ImportRequest request) {
    return LogFormats.parser(request.format(), request.layout(), request.maxLineBytes());
  }

  /**
   * Imports every file of the request, then waits for Kafka to acknowledge every record. Empty and
   * blank lines are skipped and counted ({@link ImportSummary#emptyLines()}).
   *
   * @throws ImportFailedException when a file cannot be read to its end, naming it and the lines
   *     read of it, with the summary of what was imported before (and sent: the producer is
   *     flushed)
   * @throws IOException never otherwise; declared for the failure above
   */
  public ImportSummary run(ImportRequest request, ImportProgress progress) throws IOException {
    Run run = new Run(request, progress);
    try {
      for (Path file : request.files()) {
        run.importFile(file);
      }
    } catch (IOException e) {
      producer.flush();
      throw new ImportFailedException(run.file, run.fileLines, e, run.summary());
    }
    producer.flush();
    return run.summary();
  }

  /** One import's state: what was read so far, and where. */
  private final class Run {
    final ImportRequest request;
    final ImportProgress progress;
    final LogParser parser;
    final LineDecoder decoder;
    final LogRecords records;
    final ParseStats stats = new ParseStats();
    final Delivery delivery = new Delivery();
    final AtomicLong bytesRead = new AtomicLong();
    final long started = System.nanoTime();
    long lines;
    long emptyLines;
    Path file;
    long fileLines;

    Run(ImportRequest request, ImportProgress progress) {
      this.request = request;
      this.progress = progress;
      this.parser = parser(request);
      this.decoder = new LineDecoder(request.maxLineBytes());
      this.records = new LogRecords(topics, request.format());
    }

    void importFile(Path path) throws IOException {
      file = path;
      fileLines = 0;
      String stream = path.getFileName().toString();
      String origin = path.toString();
      try (InputStream in = open(path, bytesRead, progress)) {
        LineReader reader = new LineReader(in, request.maxLineBytes());
        while (reader.next()) {
          fileLines++;
          lines++;
          ParseResult result =
              reader.cut()
                  ? tooLong(reader.totalLength(), request.maxLineBytes())
                  : decoder.parse(parser, reader.bytes(), 0, reader.length());
          meters.record(result);
          if (result instanceof Rejected rejected && rejected.reason() == RejectReason.EMPTY) {
            emptyLines++;
            continue;
          }
          stats.record(result);
          producer.send(
              records.record(
                  request.logGroup(),
                  stream,
                  reader.bytes(),
                  reader.length(),
                  reader.totalLength(),
                  result,
                  Instant.now(),
                  origin,
                  fileLines),
              delivery);
        }
      }
    }

    /** What was done so far; call after the producer was flushed. */
    ImportSummary summary() {
      return new ImportSummary(
          request.files().size(),
          bytesRead.get(),
          lines,
          emptyLines,
          stats,
          delivery.delivered.get(),
          delivery.failed.get(),
          delivery.firstError.get(),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private static Rejected tooLong(long size, int max) {
    return new Rejected(
        RejectReason.TOO_LONG, "line of " + size + " bytes exceeds the limit of " + max + " bytes");
  }

  private static InputStream open(Path file, AtomicLong bytesRead, ImportProgress progress)
      throws IOException {
    InputStream counted = new CountingStream(Files.newInputStream(file), bytesRead, progress);
    BufferedInputStream buffered = new BufferedInputStream(counted, 1 << 16);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    if (first == 0x1f && second == 0x8b) {
      return new GZIPInputStream(buffered, 1 << 16);
    }
    return buffered;
  }

  /** Counts what Kafka acknowledged; callbacks run on the producer's I/O thread. */
  private static final class Delivery implements Callback {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>();

    @Override
    public void onCompletion(
        org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
      if (e == null) {
        delivered.incrementAndGet();
      } else {
        failed.incrementAndGet();
        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  /** Counts the bytes read from a file and reports them. */
  private static final class CountingStream extends FilterInputStream {
    private final AtomicLong total;
    private final ImportProgress progress;

    CountingStream(InputStream in, AtomicLong total, ImportProgress progress) {
      super(in);
      this.total = total;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        progress.advanced(total.incrementAndGet());
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, length);
      if (read > 0) {
        progress.advanced(total.addAndGet(read));
      }
      return read;
    }
  }
}
