package io.tidewatch.rules;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The diagnostics of one file being parsed, and the positions of its nodes as {@link SourceSpan}s.
 * Nodes already reported as unusable (a forbidden tag, a non-scalar key) are "silenced": later
 * checks skip them so that one mistake yields one diagnostic.
 *
 * <p><b>Internal</b>: public only so that the parsers of the {@code io.tidewatch.rules}
 * sub-packages (rule tests) share it with the rule-file parser; not an API, it may change in any
 * release.
 */
public final class FileDiagnostics {

  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

  private final String file;
  private final List<Diagnostic> sink;
  private final String text;
  private int[] lineLengths;
  private String[] lines;
  private final Set<Node> silenced = Collections.newSetFromMap(new IdentityHashMap<>());
  private int errors;

  public FileDiagnostics(String file, String text, List<Diagnostic> sink) {
    this.file = file;
    this.sink = sink;
    this.text = text;
  }

  /** The file's lines, split only when a diagnostic needs them (most spans never do). */
  private String[] lines() {
    if (lines == null) {
      lines = LINE_BREAK.split(text, -1);
      lineLengths =
          java.util.Arrays.stream(lines)
              .mapToInt(line -> line.codePointCount(0, line.length()))
              .toArray();
    }
    return lines;
  }

  private int[] lineLengths() {
    lines();
    return lineLengths;
  }

  public String file() {
    return file;
  }

  /** How many errors this file has produced so far; a parse step compares before and after. */
  public int errors() {
    return errors;
  }

  public void report(DiagnosticCode code, SourceSpan span, String message) {
    if (code.severity() == Severity.ERROR) {
      errors++;
    }
    sink.add(Diagnostic.of(code, span, Secrets.mask(message)));
  }

  public void report(DiagnosticCode code, Node node, String message) {
    report(code, span(node), message);
  }

  void silence(Node node) {
    silenced.add(node);
  }

  /**
   * Whether the node was already reported as unusable. A true answer counts as an error of the
   * current step without a second diagnostic, so that the alarm or action holding the node is
   * dropped rather than built with a default in its place.
   */
  public boolean unusable(Node node) {
    if (silenced.contains(node)) {
      errors++;
      return true;
    }
    return false;
  }

  /** The node's first line; a node spanning lines is underlined to the end of its first line. */
  public SourceSpan span(Node node) {
    Optional<Mark> start = node.getStartMark();
    if (start.isEmpty()) {
      return SourceSpan.file(file);
    }
    Optional<Mark> end = node.getEndMark();
    int line = start.get().getLine();
    int column = start.get().getColumn() + 1;
    int endColumn =
        end.isPresent() && end.get().getLine() == line
            ? end.get().getColumn() + 1
            : (line < lineLengths().length ? lineLengths()[line] + 1 : column);
    return new SourceSpan(file, line + 1, column, Math.max(column, endColumn));
  }

  /**
   * Where a part of a scalar's value is written: {@code length} characters from {@code offset} of
   * {@link ScalarNode#getValue()}, e.g. one token of an embedded expression. Exact when the scalar
   * is written on one line and its value appears verbatim (plain, or quoted without escapes);
   * otherwise the whole scalar, which is still the right line.
   */
  public SourceSpan span(ScalarNode node, int offset, int length) {
    SourceSpan whole = span(node);
    Optional<Mark> start = node.getStartMark();
    Optional<Mark> end = node.getEndMark();
    String value = node.getValue();
    if (start.isEmpty()
        || end.isEmpty()
        || start.get().getLine() != end.get().getLine()
        || start.get().getLine() >= lines().length
        || offset < 0
        || length < 0
        || offset + length > value.length()) {
      return whole;
    }
    int quote =
        switch (node.getScalarStyle()) {
          case PLAIN -> 0;
          case SINGLE_QUOTED, DOUBLE_QUOTED -> 1;
          default -> -1;
        };
    if (quote < 0) {
      return whole;
    }
    String line = lines()[start.get().getLine()];
    int valueColumn = start.get().getColumn() + quote;
    if (valueColumn > line.codePointCount(0, line.length())) {
      return whole;
    }
    int from = line.offsetByCodePoints(0, valueColumn);
    if (!line.startsWith(value, from)) {
      return whole;
    }
    int column = valueColumn + value.codePointCount(0, offset) + 1;
    int endColumn = column + value.codePointCount(offset, offset + length);
    return new SourceSpan(file, whole.line(), column, endColumn);
  }

  /**
   * Where to point for a whole mapping, e.g. a missing key: the mapping when it fits on one line
   * ({@code {namespace: Host}}), else its first key.
   */
  public SourceSpan spanOfMapping(MappingNode mapping) {
    Optional<Mark> start = mapping.getStartMark();
    Optional<Mark> end = mapping.getEndMark();
    boolean oneLine =
        start.isPresent() && end.isPresent() && start.get().getLine() == end.get().getLine();
    if (oneLine || mapping.getValue().isEmpty()) {
      return span(mapping);
    }
    return span(mapping.getValue().get(0).getKeyNode());
  }

  /** A position from a SnakeYAML mark (0-based) that points at one character. */
  SourceSpan at(Mark mark) {
    return new SourceSpan(file, mark.getLine() + 1, mark.getColumn() + 1, mark.getColumn() + 2);
  }
}
