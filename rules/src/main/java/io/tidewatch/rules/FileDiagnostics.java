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

/**
 * The diagnostics of one file being parsed, and the positions of its nodes as {@link SourceSpan}s.
 * Nodes already reported as unusable (a forbidden tag, a non-scalar key) are "silenced": later
 * checks skip them so that one mistake yields one diagnostic.
 */
final class FileDiagnostics {

  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

  private final String file;
  private final List<Diagnostic> sink;
  private final int[] lineLengths;
  private final Set<Node> silenced = Collections.newSetFromMap(new IdentityHashMap<>());
  private int errors;

  FileDiagnostics(String file, String text, List<Diagnostic> sink) {
    this.file = file;
    this.sink = sink;
    this.lineLengths =
        LINE_BREAK
            .splitAsStream(text)
            .mapToInt(line -> line.codePointCount(0, line.length()))
            .toArray();
  }

  String file() {
    return file;
  }

  /** How many errors this file has produced so far; a parse step compares before and after. */
  int errors() {
    return errors;
  }

  void report(DiagnosticCode code, SourceSpan span, String message) {
    if (code.severity() == Severity.ERROR) {
      errors++;
    }
    sink.add(Diagnostic.of(code, span, Secrets.mask(message)));
  }

  void report(DiagnosticCode code, Node node, String message) {
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
  boolean unusable(Node node) {
    if (silenced.contains(node)) {
      errors++;
      return true;
    }
    return false;
  }

  /** The node's first line; a node spanning lines is underlined to the end of its first line. */
  SourceSpan span(Node node) {
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
            : (line < lineLengths.length ? lineLengths[line] + 1 : column);
    return new SourceSpan(file, line + 1, column, Math.max(column, endColumn));
  }

  /**
   * Where to point for a whole mapping, e.g. a missing key: the mapping when it fits on one line
   * ({@code {namespace: Host}}), else its first key.
   */
  SourceSpan spanOfMapping(MappingNode mapping) {
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
