/**
 * Rule files (RULES.md section 1): the rule model ({@link io.tidewatch.rules.AlarmRule}, {@link
 * io.tidewatch.rules.RuleSet}), the loader that checks a rules directory and reports every problem
 * at once ({@link io.tidewatch.rules.RuleLoader}, {@link io.tidewatch.rules.LoadResult}), and the
 * compiler-style rendering of its diagnostics ({@link io.tidewatch.rules.DiagnosticFormatter}).
 *
 * <p>Pure: no Kafka, no I/O beyond reading the rule files. Package-private classes are internals.
 */
package io.tidewatch.rules;
