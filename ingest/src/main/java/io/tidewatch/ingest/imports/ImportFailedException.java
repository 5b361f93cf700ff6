package io.tidewatch.ingest.imports;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * A file of an import that could not be read to its end (a truncated or corrupt gzip file, a disk
 * error). The lines read before the error were imported; {@link #summary()} says what was done.
 */
public final class ImportFailedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long linesOfFile;
  private final transient ImportSummary summary;

  ImportFailedException(Path file, long linesOfFile, IOException cause, ImportSummary summary) {
    super(message(file, linesOfFile, cause), cause);
    this.file = file;
    this.linesOfFile = linesOfFile;
    this.summary = summary;
  }

  /** The file that failed. */
  public Path file() {
    return file;
  }

  /** The lines of {@link #file()} read (and imported) before the error. */
  public long linesOfFile() {
    return linesOfFile;
  }

  /** What the import did up to the error, the failed file's lines included. */
  public ImportSummary summary() {
    return summary;
  }

  private static String message(Path file, long lines, IOException cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String hint =
        cause instanceof EOFException || cause instanceof ZipException
            ? " (the gzip file is truncated or corrupt)"
            : "";
    return file + ": cannot read past line " + lines + ": " + why + hint;
  }
}
