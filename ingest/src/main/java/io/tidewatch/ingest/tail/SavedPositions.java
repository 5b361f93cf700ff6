package io.tidewatch.ingest.tail;

import java.util.Collection;
import java.util.Map;

/**
 * Where a restarted tailer finds the positions it stored before: Kafka Connect source offsets, or
 * the agent's own file. Asked once, at the first scan, for the files it then sees.
 */
@FunctionalInterface
public interface SavedPositions {

  /** Nothing saved: every file is read from its start. */
  SavedPositions NONE = fileKeys -> Map.of();

  /** The saved positions of the files with these keys, by file key; unknown keys are left out. */
  Map<String, FilePosition> lookup(Collection<String> fileKeys);
}
