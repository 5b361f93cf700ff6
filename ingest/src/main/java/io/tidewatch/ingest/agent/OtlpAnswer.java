package io.tidewatch.ingest.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * What an OTLP/HTTP endpoint's answer means for the records of one request (OTLP/HTTP
 * specification, "Failures"):
 *
 * <ul>
 *   <li>2xx: {@link Outcome#DELIVERED}; with a protobuf partial success, {@code rejected} of the
 *       request's items were refused;
 *   <li>429, 502, 503, 504: {@link Outcome#RETRY}, not before {@code retryAfter} when the answer
 *       has a {@code Retry-After} (seconds or an HTTP date, capped at {@value
 *       #MAX_RETRY_AFTER_SECONDS} s);
 *   <li>any other status: {@link Outcome#REFUSED}.
 * </ul>
 *
 * @param rejected items refused in a partial success, 0 otherwise
 * @param reason for a log line and the status line: the status and an excerpt of the answer (a
 *     protobuf {@code Status}'s message, or the text), or the partial success's message
 * @param retryAfter when a retry is welcome again, if the answer said
 */
record OtlpAnswer(Outcome outcome, long rejected, String reason, Optional<Instant> retryAfter) {

  static final long MAX_RETRY_AFTER_SECONDS = 300;
  static final String PROTOBUF = "application/x-protobuf";
  private static final int MAX_EXCERPT = 200;

  /** The meaning of the status. */
  enum Outcome {
    DELIVERED,
    RETRY,
    REFUSED
  }

  /**
   * @param contentType the answer's {@code Content-Type}, or empty
   * @param metrics whether the request was a metrics export (else logs)
   * @param now when the answer came, for a {@code Retry-After} in seconds
   */
  static OtlpAnswer of(
      URI uri,
      int status,
      Optional<String> contentType,
      Optional<String> retryAfter,
      byte[] body,
      boolean metrics,
      Instant now) {
    boolean protobuf =
        contentType.map(type -> type.toLowerCase(Locale.ROOT).startsWith(PROTOBUF)).orElse(false);
    if (status >= 200 && status < 300) {
      return delivered(uri, protobuf, body, metrics);
    }
    String reason = uri + " answered " + status + ": " + excerpt(protobuf, body);
    if (status == 429 || status == 502 || status == 503 || status == 504) {
      return new OtlpAnswer(
          Outcome.RETRY, 0, reason, retryAfter.flatMap(value -> retryAfter(value, now)));
    }
    return new OtlpAnswer(Outcome.REFUSED, 0, reason, Optional.empty());
  }

  private static OtlpAnswer delivered(URI uri, boolean protobuf, byte[] body, boolean metrics) {
    long rejected = 0;
    String message = "";
    if (protobuf && body.length > 0) {
      try {
        if (metrics) {
          var partial = ExportMetricsServiceResponse.parseFrom(body).getPartialSuccess();
          rejected = partial.getRejectedDataPoints();
          message = partial.getErrorMessage();
        } else {
          var partial = ExportLogsServiceResponse.parseFrom(body).getPartialSuccess();
          rejected = partial.getRejectedLogRecords();
          message = partial.getErrorMessage();
        }
      } catch (InvalidProtocolBufferException e) {
        // a 2xx is a success whatever its body says; only a partial success refuses anything
      }
    }
    String reason =
        rejected == 0
            ? ""
            : uri
                + " answered a partial success rejecting "
                + rejected
                + (metrics ? " data point(s): " : " log record(s): ")
                + abbreviate(message);
    return new OtlpAnswer(Outcome.DELIVERED, Math.max(0, rejected), reason, Optional.empty());
  }

  private static Optional<Instant> retryAfter(String value, Instant now) {
    String text = value.strip();
    Instant until;
    try {
      until = now.plusSeconds(Math.max(0, Long.parseLong(text)));
    } catch (NumberFormatException e) {
      try {
        until = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException unreadable) {
        return Optional.empty();
      }
    }
    Instant cap = now.plusSeconds(MAX_RETRY_AFTER_SECONDS);
    return Optional.of(until.isAfter(cap) ? cap : until);
  }

  private static String excerpt(boolean protobuf, byte[] body) {
    if (body == null || body.length == 0) {
      return "(no body)";
    }
    if (protobuf) {
      try {
        return abbreviate(Status.parseFrom(body).getMessage());
      } catch (InvalidProtocolBufferException e) {
        return "(an unreadable protobuf body)";
      }
    }
    return abbreviate(
        new String(body, 0, Math.min(body.length, 4 * MAX_EXCERPT), StandardCharsets.UTF_8));
  }

  private static String abbreviate(String text) {
    String line = text.strip().replaceAll("\\p{Cntrl}+", " ");
    return line.length() <= MAX_EXCERPT ? line : line.substring(0, MAX_EXCERPT - 3) + "...";
  }
}
