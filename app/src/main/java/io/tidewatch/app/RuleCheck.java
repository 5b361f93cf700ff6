package io.tidewatch.app;

import io.tidewatch.rules.Diagnostic;
import io.tidewatch.rules.DiagnosticFormatter;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.test.RuleTestFileResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code tidewatch rules check DIR} found in a rules directory: the diagnostics of its rule
 * files, then those of the rule tests beside them. A rule test loads rule files of its own (usually
 * the same directory's); their diagnostics are shown once, where the directory's own load found
 * them.
 */
record RuleCheck(List<Diagnostic> diagnostics, Map<String, String> sources) {

  RuleCheck {
    diagnostics = List.copyOf(diagnostics);
    sources = Map.copyOf(sources);
  }

  static RuleCheck of(LoadResult rules, List<RuleTestFileResult> tests) {
    List<Diagnostic> diagnostics = new ArrayList<>(rules.diagnostics());
    Map<String, String> sources = new LinkedHashMap<>(rules.sources());
    Set<Path> reported = new HashSet<>();
    rules.sources().keySet().forEach(label -> reported.add(canonical(label)));
    rules.diagnostics().forEach(d -> reported.add(canonical(d.span().file())));
    for (RuleTestFileResult test : tests) {
      for (Diagnostic diagnostic : test.diagnostics()) {
        if (!reported.contains(canonical(diagnostic.span().file()))) {
          diagnostics.add(diagnostic);
        }
      }
      test.sources().forEach(sources::putIfAbsent);
    }
    return new RuleCheck(diagnostics, sources);
  }

  long errorCount() {
    return diagnostics.stream().filter(Diagnostic::isError).count();
  }

  /** Every diagnostic with its source line and caret; empty when there is none. */
  String render() {
    return diagnostics.isEmpty() ? "" : DiagnosticFormatter.format(diagnostics, sources);
  }

  /** Labels of rule and test files are their paths, as given or resolved. */
  private static Path canonical(String label) {
    return Path.of(label).toAbsolutePath().normalize();
  }
}
