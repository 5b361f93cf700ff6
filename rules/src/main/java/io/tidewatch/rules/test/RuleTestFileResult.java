package io.tidewatch.rules.test;

import io.tidewatch.rules.Diagnostic;
import io.tidewatch.rules.DiagnosticFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What running one rule-test file produced. A file whose diagnostics hold an error (in the test
 * file or in the rule files it names) runs none of its tests.
 *
 * @param diagnostics of the test file and its rule files, in that order
 * @param sources file label to text, for rendering the diagnostics
 */
public record RuleTestFileResult(
    String file,
    List<Diagnostic> diagnostics,
    Map<String, String> sources,
    List<RuleTestResult> tests) {

  public RuleTestFileResult {
    Objects.requireNonNull(file, "file");
    diagnostics = List.copyOf(diagnostics);
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    tests = List.copyOf(tests);
  }

  /** Whether the file could not run because of errors in it or in its rule files. */
  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  public boolean passed() {
    return !hasErrors() && tests.stream().allMatch(RuleTestResult::passed);
  }

  /** The diagnostics with source lines and carets, as {@code tidewatch rules check} prints them. */
  public String renderDiagnostics() {
    return DiagnosticFormatter.format(diagnostics, sources);
  }
}
