package io.tidewatch.rules;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders diagnostics the way compilers do, with the source line and a caret under the span:
 *
 * <pre>
 * rules/web.yaml:14:16: error[R2003]: unknown statistic 'avgg' (did you mean 'Average'?)
 *    14 |     statistic: avgg
 *       |                ^^^^
 * </pre>
 *
 * Secrets on a rendered line are masked; tabs before the span are kept so the caret lines up. A
 * line longer than {@link #MAX_SHOWN} characters is shown cut around the span.
 */
public final class DiagnosticFormatter {

  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
  private static final int GUTTER = 5;

  /**
   * The most characters of a source line shown; a longer line (a 3-million-character name) is cut
   * around the span with {@link #ELLIPSIS}, and so is the caret.
   */
  static final int MAX_SHOWN = 160;

  /** Characters shown before the span when a long line is cut. */
  private static final int CONTEXT = 40;

  private static final String ELLIPSIS = "...";

  private DiagnosticFormatter() {}

  /**
   * @param sourceText the text of the diagnostic's file, or null to print the header line only
   * @return the header line, and when the source line exists, the line and the caret line; each
   *     line ends with '\n'
   */
  public static String format(Diagnostic diagnostic, String sourceText) {
    SourceSpan span = diagnostic.span();
    StringBuilder out =
        new StringBuilder()
            .append(span.location())
            .append(": ")
            .append(diagnostic.severity().name().toLowerCase(Locale.ROOT))
            .append('[')
            .append(diagnostic.code().code())
            .append("]: ")
            .append(Secrets.mask(diagnostic.message()))
            .append('\n');
    String line = sourceText == null ? null : line(sourceText, span.line());
    if (line == null) {
      return out.toString();
    }
    String number = String.valueOf(span.line());
    int width = Math.max(GUTTER, number.length());
    int[] codePoints = line.codePoints().toArray();
    int from = Math.max(0, Math.min(span.column() - 1 - CONTEXT, codePoints.length - MAX_SHOWN));
    int to = Math.min(codePoints.length, from + MAX_SHOWN);
    String prefix = from > 0 ? ELLIPSIS : "";
    String shown = new String(codePoints, from, to - from);
    out.append(" ".repeat(width - number.length()))
        .append(number)
        .append(" | ")
        .append(prefix)
        .append(Secrets.mask(shown).stripTrailing())
        .append(to < codePoints.length ? ELLIPSIS : "")
        .append('\n');
    out.append(" ".repeat(width)).append(" | ").append(" ".repeat(prefix.length()));
    for (int i = from; i < span.column() - 1; i++) {
      out.append(i < codePoints.length && codePoints[i] == '\t' ? '\t' : ' ');
    }
    int caretEnd = Math.min(span.endColumn() - 1, Math.max(to, span.column()));
    out.append("^".repeat(Math.max(1, caretEnd - (span.column() - 1)))).append('\n');
    return out.toString();
  }

  /**
   * Renders every diagnostic in order.
   *
   * @param sources file label to its text, as kept by {@link LoadResult#sources()}
   */
  public static String format(List<Diagnostic> diagnostics, Map<String, String> sources) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic diagnostic : diagnostics) {
      out.append(format(diagnostic, sources.get(diagnostic.span().file())));
    }
    return out.toString();
  }

  private static String line(String text, int number) {
    String[] lines = LINE_BREAK.split(text, number + 1);
    return number <= lines.length ? lines[number - 1] : null;
  }
}
