package io.tidewatch.ingest.imports;

import io.tidewatch.ingest.parse.LineDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to import.
 *
 * @param files the files, read in this order; gzip files are recognised by their first bytes
 * @param logGroup the log group of every event
 * @param format a {@link io.tidewatch.ingest.parse.LogFormats} name
 * @param layout the format's layout (nginx {@code log_format}, flow-log custom format), if any
 * @param maxLineBytes the longest line parsed; longer lines are rejected as {@code TOO_LONG}
 */
public record ImportRequest(
    List<Path> files, String logGroup, String format, Optional<String> layout, int maxLineBytes) {

  public ImportRequest {
    files = List.copyOf(files);
    Objects.requireNonNull(logGroup, "logGroup");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(layout, "layout");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no file to import");
    }
    if (logGroup.isBlank()) {
      throw new IllegalArgumentException("the log group must not be empty");
    }
  }

  public ImportRequest(List<Path> files, String logGroup, String format, Optional<String> layout) {
    this(files, logGroup, format, layout, LineDecoder.DEFAULT_MAX_LINE_BYTES);
  }
}
