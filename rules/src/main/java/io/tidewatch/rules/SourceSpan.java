package io.tidewatch.rules;

import java.util.Objects;

/**
 * Where a diagnostic points: one line of one file, 1-based, columns counted in Unicode code points.
 *
 * @param endColumn the column just after the last character pointed at ({@code endColumn == column}
 *     points at a position, e.g. an empty value)
 */
public record SourceSpan(String file, int line, int column, int endColumn) {

  public SourceSpan {
    Objects.requireNonNull(file, "file");
    if (line < 1 || column < 1 || endColumn < column) {
      throw new IllegalArgumentException(
          "a span is 1-based with endColumn >= column, found "
              + line
              + ":"
              + column
              + "-"
              + endColumn);
    }
  }

  /** The whole file, for problems that have no better position (unreadable, too large). */
  public static SourceSpan file(String file) {
    return new SourceSpan(file, 1, 1, 1);
  }

  /** {@code file:line:column}, as compilers print it. */
  public String location() {
    return file + ":" + line + ":" + column;
  }
}
