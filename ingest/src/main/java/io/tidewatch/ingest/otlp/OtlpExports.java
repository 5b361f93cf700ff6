package io.tidewatch.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.tidewatch.ingest.meter.IngestMeters;
import io.tidewatch.ingest.meter.IngestSource;
import io.tidewatch.model.log.LogEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-independent part of the receivers (OTLP/HTTP and OTLP/gRPC): maps an export
 * request, writes what it accepted to Kafka and waits for every acknowledgement, so that a success
 * response means "in Kafka"; rejected points or records are reported as OTLP partial success.
 */
final class OtlpExports {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpExports.class);
  private static final int MAX_REASON_CHARS = 512;

  /** Kafka did not take the export in time: the client is to retry later. */
  static final class UnavailableException extends Exception {
    UnavailableException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Kafka refused a record of the export as too large: sent again, it would be refused again, so
   * the client is told not to retry.
   */
  static final class TooLargeException extends Exception {
    TooLargeException(String message) {
      super(message, null, false, false);
    }
  }

  /** This receiver takes no logs. */
  static final class LogsNotReceivedException extends Exception {
    LogsNotReceivedException() {
      super(
          "this OTLP receiver takes metrics only: logs are not received here", null, false, false);
    }
  }

  private final OtlpMetricsMapper metricsMapper;
  private final OtlpLogsMapper logsMapper;
  private final OtlpSink sink;
  private final Duration ackTimeout;
  private final Clock clock;
  private final IngestMeters metricsMeters;
  private final IngestMeters logsMeters;

  /**
   * @param registry where accepted and rejected points and records are counted ({@link
   *     IngestMeters}, sources {@code otlp-metrics} and {@code otlp-logs})
   */
  OtlpExports(OtlpReceiverConfig config, OtlpSink sink, Clock clock, MeterRegistry registry) {
    this.metricsMapper = new OtlpMetricsMapper(config.attributeFilter());
    this.logsMapper = new OtlpLogsMapper(config.attributeFilter(), config.logGrouping());
    this.sink = sink;
    this.ackTimeout = config.ackTimeout();
    this.clock = clock;
    this.metricsMeters = IngestMeters.of(registry, IngestSource.OTLP_METRICS);
    this.logsMeters = IngestMeters.of(registry, IngestSource.OTLP_LOGS);
  }

  ExportMetricsServiceResponse metrics(ExportMetricsServiceRequest request)
      throws UnavailableException, TooLargeException {
    return publishMetrics(metricsMapper.map(request, clock.instant()));
  }

  /**
   * Maps and writes a protobuf export request read from its bytes ({@link
   * OtlpMetricsMapper#map(byte[], Instant)}).
   *
   * @throws InvalidProtocolBufferException when the body is not an export request
   */
  ExportMetricsServiceResponse metrics(byte[] protobuf)
      throws InvalidProtocolBufferException, UnavailableException, TooLargeException {
    return publishMetrics(metricsMapper.map(protobuf, clock.instant()));
  }

  private ExportMetricsServiceResponse publishMetrics(MappingResult<MappedPoint> result)
      throws UnavailableException, TooLargeException {
    if (!result.accepted().isEmpty()) {
      String topic = sink.metricsTopic();
      publish(
          sink.metrics(),
          topic,
          () ->
              MetricBatcher.records(
                  topic, result.accepted(), sink.metrics().partitionsFor(topic).size()));
    }
    record(metricsMeters, result.accepted().size(), result.rejectedByReason());
    ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
    if (result.rejected() > 0) {
      LOG.debug(
          "OTLP metrics: {} points accepted, {}", result.accepted().size(), result.errorMessage());
      response.setPartialSuccess(
          ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(result.rejected())
              .setErrorMessage(result.errorMessage()));
    }
    return response.build();
  }

  ExportLogsServiceResponse logs(ExportLogsServiceRequest request)
      throws UnavailableException, TooLargeException, LogsNotReceivedException {
    if (!sink.takesLogs()) {
      throw new LogsNotReceivedException();
    }
    MappingResult<LogEvent> result = logsMapper.map(request, clock.instant());
    String logsTopic = sink.logsTopic();
    publish(
        sink.logs(),
        logsTopic,
        () ->
            result.accepted().stream()
                .map(event -> new ProducerRecord<>(logsTopic, event.key(), event))
                .toList());
    record(logsMeters, result.accepted().size(), result.rejectedByReason());
    ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
    if (result.rejected() > 0) {
      LOG.debug(
          "OTLP logs: {} records accepted, {}", result.accepted().size(), result.errorMessage());
      response.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(result.rejected())
              .setErrorMessage(result.errorMessage()));
    }
    return response.build();
  }

  /** Counts a whole request refused for good, as one discarded item of its signal. */
  void refused(boolean logs, OtlpRequestRejectReason reason) {
    (logs ? logsMeters : metricsMeters).discarded(reason, 1);
  }

  /**
   * Counts an export once it is answered with success: a request that Kafka did not take is retried
   * by the exporter, and counting it each time would count its rejections twice.
   */
  private static void record(
      IngestMeters meters, int accepted, Map<OtlpRejectReason, Integer> rejectedByReason) {
    meters.ingested(accepted);
    rejectedByReason.forEach(meters::discarded);
  }

  /**
   * Sends every record and waits for all acknowledgements, so a success means "in Kafka". The
   * records are made inside the guard: making them may need the topic's metadata, which fails like
   * a send when Kafka is unreachable.
   */
  private <V> void publish(
      Producer<String, V> producer, String topic, Supplier<List<ProducerRecord<String, V>>> records)
      throws UnavailableException, TooLargeException {
    try {
      List<ProducerRecord<String, V>> batch = records.get();
      if (batch.isEmpty()) {
        return;
      }
      List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
      for (ProducerRecord<String, V> record : batch) {
        acks.add(producer.send(record));
      }
      long deadline = System.nanoTime() + ackTimeout.toNanos();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RecordTooLargeException tooLarge) {
        throw tooLarge(topic, tooLarge);
      }
      throw unavailable(topic, describe(e.getCause()));
    } catch (TimeoutException e) {
      throw unavailable(topic, "no acknowledgement within " + ackTimeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(topic, "interrupted while waiting for acknowledgements");
    } catch (RecordTooLargeException e) {
      throw tooLarge(topic, e);
    } catch (RuntimeException e) {
      // send() itself throws when metadata cannot be fetched in max.block.ms or the producer is
      // closed
      throw unavailable(topic, describe(e));
    }
  }

  private static TooLargeException tooLarge(String topic, RecordTooLargeException e) {
    return new TooLargeException(
        "Kafka topic '"
            + topic
            + "' refuses a record of this export as too large ("
            + abbreviate(String.valueOf(e.getMessage()))
            + "): send fewer or smaller points or log records per export; sent again, it would be"
            + " refused again");
  }

  private static String describe(Throwable cause) {
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private static UnavailableException unavailable(String topic, String detail) {
    return new UnavailableException(
        "cannot write to Kafka topic '" + topic + "' (" + abbreviate(detail) + ")");
  }

  static String abbreviate(String text) {
    return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "…";
  }
}
