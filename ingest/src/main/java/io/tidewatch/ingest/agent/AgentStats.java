package io.tidewatch.ingest.agent;

import java.util.concurrent.atomic.LongAdder;

/** The agent's own counters, cumulative since start. Thread-safe. */
public final class AgentStats {

  final LongAdder shipped = new LongAdder();
  final LongAdder spooled = new LongAdder();
  final LongAdder drained = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder metricPoints = new LongAdder();
  final LongAdder linesParsed = new LongAdder();
  final LongAdder linesRejected = new LongAdder();

  /** Records Kafka acknowledged, sent directly or drained from the spool. */
  public long shipped() {
    return shipped.sum();
  }

  /** Records written to the spool because Kafka did not take them. */
  public long spooled() {
    return spooled.sum();
  }

  /** Records sent from the spool and acknowledged. */
  public long drained() {
    return drained.sum();
  }

  /** Failures that lost a record or a collection (not spooling, which loses nothing). */
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
