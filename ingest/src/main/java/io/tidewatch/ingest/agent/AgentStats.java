package io.tidewatch.ingest.agent;

import java.util.concurrent.atomic.LongAdder;

/** The agent's own counters, cumulative since start. Thread-safe. */
public final class AgentStats {

  final LongAdder shipped = new LongAdder();
  final LongAdder spooled = new LongAdder();
  final LongAdder drained = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder metricPoints = new LongAdder();
  final LongAdder linesParsed = new LongAdder();
  final LongAdder linesRejected = new LongAdder();

  /**
   * Records the destination took (Kafka acknowledged, OTLP answered 2xx), sent directly or drained
   * from the spool.
   */
  public long shipped() {
    return shipped.sum();
  }

  /** Records written to the spool because the destination did not take them. */
  public long spooled() {
    return spooled.sum();
  }

  /** Records sent from the spool and acknowledged. */
  public long drained() {
    return drained.sum();
  }

  /**
   * Records the destination refused for good and that are not sent again: Kafka errors that
   * retrying cannot fix, OTLP 4xx answers (other than 429) and the rejected part of a partial
   * success.
   */
  public long rejected() {
    return rejected.sum();
  }

  /**
   * Failures that lost a record or a collection other than a refusal (not spooling, which loses
   * nothing).
   */
  public long errors() {
    return errors.sum();
  }

  public long metricPoints() {
    return metricPoints.sum();
  }

  public long linesParsed() {
    return linesParsed.sum();
  }

  public long linesRejected() {
    return linesRejected.sum();
  }
}
