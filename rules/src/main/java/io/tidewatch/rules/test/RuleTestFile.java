package io.tidewatch.rules.test;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A parsed rule-test file.
 *
 * @param file how diagnostics and reports name the file
 * @param ruleFiles the rule files it tests, resolved against the test file's directory
 */
public record RuleTestFile(String file, List<Path> ruleFiles, List<RuleTestCase> tests) {

  public RuleTestFile {
    Objects.requireNonNull(file, "file");
    ruleFiles = List.copyOf(ruleFiles);
    tests = List.copyOf(tests);
  }
}
