/**
 * {@code tidewatch rules test}: rule-test files (RULES.md section 3) are parsed with the same
 * position-aware diagnostics as rule files, and every test runs its input series through the very
 * evaluator the stream processor uses ({@link io.tidewatch.rules.alarm.AlarmEvaluator} over {@link
 * io.tidewatch.rules.alarm.Aggregate}s). {@link io.tidewatch.rules.test.RuleTestRunner} is the
 * entry point; {@link io.tidewatch.rules.test.RuleTestReport} prints failures and {@link
 * io.tidewatch.rules.test.JUnitXmlWriter} writes the {@code --junit} report.
 *
 * <p>Pure: no Kafka, no clock but an injected one (for the reported test times), no I/O beyond
 * reading the test and rule files.
 */
package io.tidewatch.rules.test;
