package io.tidewatch.ingest.agent;

import io.tidewatch.ingest.tail.FilePosition;
import io.tidewatch.ingest.tail.TailedLine;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read positions of one set of log files that are safe to store: a batch of lines moves them
 * only once each of its records was acknowledged by Kafka or written to the spool, and batches move
 * them in the order they were read. Lines are shipped on one thread ({@link #inFlight}, {@link
 * #advance}); batches are settled from any.
 */
final class ShippedPositions {

  /** The records of one batch of lines, settled one by one, and where the batch ends per file. */
  static final class Batch {
    private final AtomicInteger unsettled;
    private final Map<String, FilePosition> ends = new LinkedHashMap<>();

    private Batch(List<FilePosition> copies, List<TailedLine> lines) {
      this.unsettled = new AtomicInteger(lines.size());
      for (FilePosition copy : copies) {
        ends.put(copy.identity().fileKey(), copy);
      }
      for (TailedLine line : lines) {
        ends.put(line.position().identity().fileKey(), line.position());
      }
    }

    /** One record of the batch is acknowledged, spooled, or was dropped with an error counted. */
    void settle() {
      unsettled.decrementAndGet();
    }

    boolean settled() {
      return unsettled.get() <= 0;
    }
  }

  private final Map<String, FilePosition> safe;
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();

  /**
   * @param saved the positions stored before, by file key
   */
  ShippedPositions(Map<String, FilePosition> saved) {
    this.safe = new LinkedHashMap<>(saved);
  }

  /** Sets positions directly, e.g. at the end of the files when the backlog is skipped. */
  void reset(Collection<FilePosition> positions) {
    for (FilePosition position : positions) {
      safe.put(position.identity().fileKey(), position);
    }
  }

  /**
   * A batch of lines about to be shipped, one record per line, after the positions the tailer took
   * without a line ({@link io.tidewatch.ingest.tail.FileTailer#takeCopyPositions()}): those are
   * safe once everything before them is.
   */
  Batch inFlight(List<FilePosition> copies, List<TailedLine> lines) {
    Batch batch = new Batch(copies, lines);
    inFlight.addLast(batch);
    return batch;
  }

  /**
   * Takes in the positions of the settled batches at the head of the queue, and forgets files no
   * longer followed that no batch in flight comes from (the tailer does not read them again).
   *
   * @param followed the file keys the tailer follows now
   * @return whether the safe positions changed
   */
  boolean advance(Set<String> followed) {
    boolean changed = false;
    while (!inFlight.isEmpty() && inFlight.peekFirst().settled()) {
      for (FilePosition end : inFlight.removeFirst().ends.values()) {
        FilePosition before = safe.put(end.identity().fileKey(), end);
        changed |= !end.equals(before);
      }
    }
    changed |=
        safe.keySet()
            .removeIf(
                key ->
                    !followed.contains(key)
                        && inFlight.stream().noneMatch(b -> b.ends.containsKey(key)));
    return changed;
  }

  /** The positions after the last lines shipped safely. */
  Collection<FilePosition> safe() {
    return List.copyOf(safe.values());
  }
}
