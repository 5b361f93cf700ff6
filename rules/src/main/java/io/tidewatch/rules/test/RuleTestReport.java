package io.tidewatch.rules.test;

import java.util.List;

/**
 * Everything {@code tidewatch rules test} ran, file by file; {@link #render()} is what it prints
 * and {@link JUnitXmlWriter} what {@code --junit} writes. The command exits 1 unless {@link
 * #passed()}.
 */
public record RuleTestReport(List<RuleTestFileResult> files) {

  public RuleTestReport {
    files = List.copyOf(files);
  }

  /** True when every file ran without errors and every test passed. */
  public boolean passed() {
    return files.stream().allMatch(RuleTestFileResult::passed);
  }

  public List<RuleTestResult> tests() {
    return files.stream().flatMap(file -> file.tests().stream()).toList();
  }

  public long passedCount() {
    return tests().stream().filter(RuleTestResult::passed).count();
  }

  public long failedCount() {
    return tests().stream().filter(test -> !test.passed()).count();
  }

  /** Files that could not run because of errors. */
  public long errorCount() {
    return files.stream().filter(RuleTestFileResult::hasErrors).count();
  }

  /**
   * Diagnostics of the files that have them, then one line per test ({@code PASS}/{@code FAIL}),
   * each failure with what the alarm saw, then {@code N passed, N failed} (and {@code , N files
   * with errors} when there are some).
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    for (RuleTestFileResult file : files) {
      out.append(file.renderDiagnostics());
      if (file.hasErrors()) {
        out.append(file.file()).append(": not run: fix the errors above\n");
      }
      for (RuleTestResult test : file.tests()) {
        out.append(test.passed() ? "PASS " : "FAIL ")
            .append(test.file())
            .append(": ")
            .append(test.name())
            .append('\n');
        for (RuleTestFailure failure : test.failures()) {
          out.append("  ")
              .append(failure.span().location())
              .append(": ")
              .append(failure.message())
              .append('\n');
          failure.details().lines().forEach(line -> out.append("    ").append(line).append('\n'));
        }
      }
    }
    out.append(passedCount()).append(" passed, ").append(failedCount()).append(" failed");
    if (errorCount() > 0) {
      out.append(", ").append(errorCount()).append(errorCount() == 1 ? " file" : " files");
      out.append(" with errors");
    }
    return out.append('\n').toString();
  }
}
