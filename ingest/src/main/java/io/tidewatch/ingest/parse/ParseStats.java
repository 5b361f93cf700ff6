package io.tidewatch.ingest.parse;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what parsers made of their lines: parsed, rejected by reason, and VPC flow-log records
 * with no data ({@code NODATA}) or skipped data ({@code SKIPDATA}), which parse but carry no flow.
 * Thread-safe; recording is a {@link LongAdder} increment.
 */
public final class ParseStats {

  private final LongAdder parsed = new LongAdder();
  private final LongAdder noData = new LongAdder();
  private final LongAdder skipData = new LongAdder();
  private final LongAdder[] rejected = new LongAdder[RejectReason.values().length];

  public ParseStats() {
    for (int i = 0; i < rejected.length; i++) {
      rejected[i] = new LongAdder();
    }
  }

  /** Counts one result and returns it, so a call can wrap the parse. */
  public ParseResult record(ParseResult result) {
    if (result instanceof Parsed parsedLine) {
      parsed.increment();
      Object status = parsedLine.fields().get("logStatus");
      if ("NODATA".equals(status)) {
        noData.increment();
      } else if ("SKIPDATA".equals(status)) {
        skipData.increment();
      }
    } else if (result instanceof Rejected rejection) {
      rejected[rejection.reason().ordinal()].increment();
    }
    return result;
  }

  public long parsed() {
    return parsed.sum();
  }

  /** Parsed flow-log records with {@code logStatus} {@code NODATA}. */
  public long noData() {
    return noData.sum();
  }

  /** Parsed flow-log records with {@code logStatus} {@code SKIPDATA}. */
  public long skipData() {
    return skipData.sum();
  }

  public long rejected() {
    long total = 0;
    for (LongAdder count : rejected) {
      total += count.sum();
    }
    return total;
  }

  public long rejected(RejectReason reason) {
    return rejected[reason.ordinal()].sum();
  }

  /** Rejections by reason, reasons with none left out, in {@link RejectReason} order. */
  public Map<RejectReason, Long> rejectedByReason() {
    Map<RejectReason, Long> counts = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      long count = rejected[reason.ordinal()].sum();
      if (count > 0) {
        counts.put(reason, count);
      }
    }
    return counts;
  }

  /** {@code parsed 10, rejected 3 (BINARY 1, TOO_LONG 2)}, plus NODATA/SKIPDATA when any. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append("parsed ").append(parsed()).append(", rejected ").append(rejected());
    Map<RejectReason, Long> byReason = rejectedByReason();
    if (!byReason.isEmpty()) {
      out.append(" (");
      String separator = "";
      for (Map.Entry<RejectReason, Long> entry : byReason.entrySet()) {
        out.append(separator).append(entry.getKey()).append(' ').append(entry.getValue());
        separator = ", ";
      }
      out.append(')');
    }
    if (noData() > 0 || skipData() > 0) {
      out.append(", NODATA ").append(noData()).append(", SKIPDATA ").append(skipData());
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return summary();
  }
}
