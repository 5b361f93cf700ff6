package io.tidewatch.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What loading a rules directory produced: the valid rules and every problem found.
 *
 * <p>{@link #ruleSet()} holds the alarms and actions that are valid on their own; an alarm with an
 * error is left out. Callers that publish rules must refuse when {@link #hasErrors()}.
 *
 * @param diagnostics sorted by file (in load order), line and column
 * @param sources file label to source text, for rendering; files refused unread are absent
 */
public record LoadResult(
    RuleSet ruleSet, List<Diagnostic> diagnostics, Map<String, String> sources) {

  public LoadResult {
    ruleSet = ruleSet == null ? RuleSet.empty() : ruleSet;
    diagnostics = List.copyOf(diagnostics);
    sources =
        sources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** A result without source texts: {@link #render()} prints header lines only. */
  public LoadResult(RuleSet ruleSet, List<Diagnostic> diagnostics) {
    this(ruleSet, diagnostics, Map.of());
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  /** Every diagnostic with its source line and caret, as {@code tidewatch rules check} prints. */
  public String render() {
    return DiagnosticFormatter.format(diagnostics, sources);
  }
}
