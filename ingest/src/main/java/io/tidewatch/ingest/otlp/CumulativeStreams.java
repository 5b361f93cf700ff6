package io.tidewatch.ingest.otlp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Turns the points of cumulative OTLP streams (monotonic sums, histograms, summaries: totals since
 * a start time) into per-period deltas, by remembering the previous point of each stream:
 *
 * <ul>
 *   <li>the first point of a stream is its baseline: it yields no delta, since what it counts began
 *       before Tidewatch saw it;
 *   <li>a later point yields itself minus the previous one;
 *   <li>a reset (a different start time, or totals that went down) starts a new baseline; when the
 *       new start time is after the previous point, the whole new total happened since then and is
 *       the delta;
 *   <li>the same point again (an exporter's retry) yields the same delta again, so a retried
 *       request loses nothing (the alarm router drops the duplicate timestamp); an older point is
 *       ignored.
 * </ul>
 *
 * <p>Memory is bounded: the least recently seen streams beyond {@code maxStreams} are forgotten
 * (their next point becomes a baseline again). Thread-safe.
 */
final class CumulativeStreams {

  /** Default bound on remembered streams: about 100 bytes to a few KiB each. */
  static final int DEFAULT_MAX_STREAMS = 200_000;

  private record Previous(long startNanos, long timeNanos, Object total, Object delta) {}

  private final Map<String, Previous> streams;

  CumulativeStreams(int maxStreams) {
    this.streams =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Previous> eldest) {
            return size() > maxStreams;
          }
        };
  }

  /**
   * The delta of this cumulative point, or empty when it is a baseline or out of order.
   *
   * @param stream the stream's identity (resource, scope, metric, point attributes)
   * @param minus {@code current - previous}, or null when {@code current} cannot follow {@code
   *     previous} (a total went down, the bucket layout changed): a reset
   */
  <T> Optional<T> delta(
      String stream, long startNanos, long timeNanos, T total, BinaryOperator<T> minus) {
    synchronized (streams) {
      Previous previous = streams.get(stream);
      if (previous == null) {
        streams.put(stream, new Previous(startNanos, timeNanos, total, null));
        return Optional.empty();
      }
      if (Long.compareUnsigned(timeNanos, previous.timeNanos) <= 0) {
        boolean retry = timeNanos == previous.timeNanos && startNanos == previous.startNanos;
        @SuppressWarnings("unchecked") // a stream's points all have the type of its metric
        T again = retry ? (T) previous.delta : null;
        return Optional.ofNullable(again);
      }
      T delta = null;
      boolean restarted =
          startNanos != 0 && previous.startNanos != 0 && startNanos != previous.startNanos;
      if (!restarted && total.getClass() == previous.total.getClass()) {
        @SuppressWarnings("unchecked")
        T before = (T) previous.total;
        delta = minus.apply(total, before);
      }
      if (delta == null
          && startNanos != 0
          && Long.compareUnsigned(startNanos, previous.timeNanos) >= 0) {
        delta = total; // restarted after the previous point: all of it is new
      }
      streams.put(stream, new Previous(startNanos, timeNanos, total, delta));
      return Optional.ofNullable(delta);
    }
  }

  int size() {
    synchronized (streams) {
      return streams.size();
    }
  }
}
