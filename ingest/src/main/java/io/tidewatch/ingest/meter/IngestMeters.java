package io.tidewatch.ingest.meter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.tidewatch.ingest.parse.ParseResult;
import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.Rejected;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one ingest path accepted and discarded, as two counter families shared by all paths:
 *
 * <ul>
 *   <li>{@code tidewatch_ingested_total{source}}: items taken in (lines parsed, OTLP data points or
 *       log records written to Kafka);
 *   <li>{@code tidewatch_discarded_total{source,reason}}: items refused, by reason; the reason is
 *       the lower-case name of the path's reason enum ({@code RejectReason} for log lines, e.g.
 *       {@code nul}, {@code no_match}; {@code OtlpRejectReason} for OTLP, e.g. {@code nan}).
 * </ul>
 *
 * <p>So a dashboard can plot {@code rate(tidewatch_discarded_total[5m])} against {@code
 * rate(tidewatch_ingested_total[5m])} per source. The ingested counter exists from the start (at
 * 0); a discard counter appears with its first discard. Reasons are closed enums, so the
 * cardinality is bounded. Thread-safe; recording is a counter increment.
 */
public final class IngestMeters {

  /**
   * Micrometer name of the accepted-items counter; Prometheus: {@code tidewatch_ingested_total}.
   */
  public static final String INGESTED = "tidewatch.ingested";

  /**
   * Micrometer name of the discarded-items counter; Prometheus: {@code tidewatch_discarded_total}.
   */
  public static final String DISCARDED = "tidewatch.discarded";

  private final MeterRegistry registry;
  private final IngestSource source;
  private final Counter ingested;
  private final Map<Enum<?>, Counter> discarded = new ConcurrentHashMap<>();

  private IngestMeters(MeterRegistry registry, IngestSource source) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.source = Objects.requireNonNull(source, "source");
    this.ingested =
        Counter.builder(INGESTED)
            .description("Items an ingest path took in (lines parsed, OTLP points or records)")
            .tag("source", source.tag())
            .register(registry);
  }

  /** Records into {@code registry} (the process's Prometheus registry, or the global one). */
  public static IngestMeters of(MeterRegistry registry, IngestSource source) {
    return new IngestMeters(registry, source);
  }

  /**
   * Records into nothing: for callers that serve no metrics (and tests that do not look). An empty
   * {@link CompositeMeterRegistry} hands out no-op meters.
   */
  public static IngestMeters none(IngestSource source) {
    return new IngestMeters(new CompositeMeterRegistry(), source);
  }

  public IngestSource source() {
    return source;
  }

  /** {@code count} items taken in. */
  public void ingested(long count) {
    if (count > 0) {
      ingested.increment(count);
    }
  }

  /** {@code count} items refused for {@code reason} (tagged with its lower-case name). */
  public void discarded(Enum<?> reason, long count) {
    Objects.requireNonNull(reason, "reason");
    if (count > 0) {
      discarded.computeIfAbsent(reason, this::discardCounter).increment(count);
    }
  }

  /** Counts one parse result (parsed: ingested; rejected: discarded by its reason), returns it. */
  public ParseResult record(ParseResult result) {
    if (result instanceof Parsed) {
      ingested.increment();
    } else if (result instanceof Rejected rejected) {
      discarded(rejected.reason(), 1);
    }
    return result;
  }

  private Counter discardCounter(Enum<?> reason) {
    return Counter.builder(DISCARDED)
        .description("Items an ingest path refused, by reason")
        .tag("source", source.tag())
        .tag("reason", reason.name().toLowerCase(Locale.ROOT))
        .register(registry);
  }
}
