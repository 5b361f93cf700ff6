/**
 * Log parsers: pure functions from one line to fields, no Kafka.
 *
 * <p>Public API: {@link io.tidewatch.ingest.parse.LogFormats#parser} gives a {@link
 * io.tidewatch.ingest.parse.LogParser} for a format ({@code nginx}, {@code apache}, {@code alb},
 * {@code vpc-flow}, {@code json}, {@code raw}); its result is a {@link
 * io.tidewatch.ingest.parse.ParseResult}: {@link io.tidewatch.ingest.parse.Parsed} or {@link
 * io.tidewatch.ingest.parse.Rejected} with a {@link io.tidewatch.ingest.parse.RejectReason}. {@link
 * io.tidewatch.ingest.parse.LineDecoder} is the byte-level boundary (UTF-8, NUL, control
 * characters, length), {@link io.tidewatch.ingest.parse.LogEvents} turns a line and its result into
 * a {@link io.tidewatch.model.log.LogEvent} (rejected lines are kept, with a {@code parseError}),
 * and {@link io.tidewatch.ingest.parse.ParseStats} counts results by reason. Everything else is
 * package-private.
 *
 * <p>Parsers never throw on input, are immutable and thread-safe, and use no regular expression on
 * the hot path: each format is compiled once into literals and typed fields, and a line is read in
 * one pass.
 */
package io.tidewatch.ingest.parse;
