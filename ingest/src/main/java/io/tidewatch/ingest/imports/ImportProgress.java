package io.tidewatch.ingest.imports;

/** Told how far an import got, for a progress bar. Called on the importing thread. */
@FunctionalInterface
public interface ImportProgress {

  ImportProgress NONE = bytesRead -> {};

  /**
   * @param bytesRead bytes read from all files so far (on disk, so compressed for gzip)
   */
  void advanced(long bytesRead);
}
