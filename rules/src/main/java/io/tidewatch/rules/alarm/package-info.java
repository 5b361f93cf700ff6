/**
 * CloudWatch's metric-alarm semantics (RULES.md section 2) as pure functions: per-period {@link
 * io.tidewatch.rules.alarm.Aggregate}s and the {@link io.tidewatch.rules.alarm.AlarmEvaluator},
 * shared by the stream processor and {@code tidewatch rules test}.
 */
package io.tidewatch.rules.alarm;
