package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtlpAnswerTest {

  private static final URI URI = java.net.URI.create("http://collector:4318/v1/metrics");
  private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
  private static final Optional<String> TEXT = Optional.of("text/plain; charset=utf-8");
  private static final Optional<String> PROTOBUF = Optional.of("application/x-protobuf");

  @ParameterizedTest
  @CsvSource({
    "200, DELIVERED",
    "202, DELIVERED",
    "429, RETRY",
    "502, RETRY",
    "503, RETRY",
    "504, RETRY",
    "400, REFUSED",
    "401, REFUSED",
    "404, REFUSED",
    "413, REFUSED",
    "500, REFUSED",
    "301, REFUSED"
  })
  void shouldFollowTheOtlpHttpRetryRulesForEveryStatus(int status, OtlpAnswer.Outcome outcome) {
    assertThat(answer(status, TEXT, Optional.empty(), "x").outcome()).isEqualTo(outcome);
  }

  @Test
  void shouldHonourRetryAfterInSecondsOrAsAnHttpDateCappedAtFiveMinutes() {
    assertThat(answer(429, TEXT, Optional.of("7"), "slow down").retryAfter())
        .contains(NOW.plusSeconds(7));
    assertThat(answer(503, TEXT, Optional.of("Sun, 22 Nov 2026 10:16:00 GMT"), "busy").retryAfter())
        .contains(Instant.parse("2026-11-22T10:16:00Z"));
    assertThat(answer(503, TEXT, Optional.of("86400"), "busy").retryAfter())
        .contains(NOW.plusSeconds(OtlpAnswer.MAX_RETRY_AFTER_SECONDS));
    assertThat(answer(503, TEXT, Optional.of("soon"), "busy").retryAfter()).isEmpty();
    assertThat(answer(400, TEXT, Optional.of("7"), "bad").retryAfter()).isEmpty();
  }

  @Test
  void shouldNameTheStatusAndTheMessageOfTheAnswerAbbreviated() {
    OtlpAnswer text = answer(400, TEXT, Optional.empty(), "unknown tenant\n" + "x".repeat(500));
    assertThat(text.reason())
        .startsWith("http://collector:4318/v1/metrics answered 400: unknown tenant xxx")
        .endsWith("...")
        .doesNotContain("\n");
    OtlpAnswer status =
        OtlpAnswer.of(
            URI,
            400,
            PROTOBUF,
            Optional.empty(),
            Status.newBuilder().setCode(3).setMessage("metric name too long").build().toByteArray(),
            true,
            NOW);
    assertThat(status.reason()).endsWith("answered 400: metric name too long");
  }

  @Test
  void shouldCountTheItemsAPartialSuccessRejects() {
    byte[] body =
        ExportMetricsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(2)
                    .setErrorMessage("NaN values"))
            .build()
            .toByteArray();
    OtlpAnswer answer = OtlpAnswer.of(URI, 200, PROTOBUF, Optional.empty(), body, true, NOW);
    assertThat(answer.outcome()).isEqualTo(OtlpAnswer.Outcome.DELIVERED);
    assertThat(answer.rejected()).isEqualTo(2);
    assertThat(answer.reason()).endsWith("partial success rejecting 2 data point(s): NaN values");
    assertThat(
            OtlpAnswer.of(URI, 200, PROTOBUF, Optional.empty(), new byte[0], true, NOW).rejected())
        .isZero();
  }

  private static OtlpAnswer answer(
      int status, Optional<String> type, Optional<String> retryAfter, String body) {
    return OtlpAnswer.of(
        URI, status, type, retryAfter, body.getBytes(StandardCharsets.UTF_8), true, NOW);
  }
}
