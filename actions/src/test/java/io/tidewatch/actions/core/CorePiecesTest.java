package io.tidewatch.actions.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.ActionDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class CorePiecesTest {

  @Test
  void shouldDeriveTheSameActionKeyForTheSameTransitionAndAction() {
    assertThat(ActionKeys.of("t-1", "ops-slack"))
        .isEqualTo(ActionKeys.of("t-1", "ops-slack"))
        .hasSize(32);
    assertThat(ActionKeys.of("t-1", "ops-slack")).isNotEqualTo(ActionKeys.of("t-1", "ops-slac"));
    assertThat(ActionKeys.of("t-1a", "b")).isNotEqualTo(ActionKeys.of("t-1", "ab"));
  }

  @Test
  void shouldBackOffExponentiallyWithJitterAndHonourRetryAfter() {
    RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0);
    RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
    for (int i = 0; i < 200; i++) {
      assertThat(policy.delay(1, Optional.empty(), random))
          .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(policy.delay(3, Optional.empty(), random))
          .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      assertThat(policy.delay(9, Optional.empty(), random))
          .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
    assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(30)), random))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.mayRetryAfter(4)).isTrue();
    assertThat(policy.mayRetryAfter(5)).isFalse();
  }

  @Test
  void shouldReportEveryInvalidRetrySettingAtOnce() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(2), Duration.ofSeconds(1), 0.5))
        .hasMessageContaining("maxAttempts: between 1 and 100. Found: 0")
        .hasMessageContaining("maxBackoff: at least initialBackoff")
        .hasMessageContaining("multiplier: 1 or more. Found: 0.5");
  }

  @Test
  void shouldReportEveryInvalidWorkerSettingAtOnce() {
    ActionWorkerConfig valid = ActionWorkerConfig.of("localhost:9092", Topics.defaults());
    assertThat(valid.groupId()).isEqualTo("tw.actions");
    assertThatThrownBy(
            () ->
                new ActionWorkerConfig(
                    " ",
                    Topics.defaults(),
                    "bad group!",
                    false,
                    null,
                    Map.of(),
                    List.of(""),
                    Duration.ofHours(-1),
                    Duration.ZERO,
                    null,
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("bootstrapServers: host:port")
        .hasMessageContaining("groupId: letters, digits")
        .hasMessageContaining("retry: a retry policy. Found: null")
        .hasMessageContaining("initialLookback: zero or more")
        .hasMessageContaining("startTimeout: positive")
        .hasMessageContaining("laneRestart: a retry policy. Found: null")
        .hasMessageContaining("failureActions: action names");
  }

  @Test
  void shouldValidateDefinitionsThroughTheirProvider() {
    ProviderRegistry registry = ProviderRegistry.load();
    assertThat(registry.types()).contains(RecordingProvider.TYPE, RecordingProvider.Second.TYPE);
    assertThat(
            registry.validate(
                new ActionDefinition("a", "recorder", Map.of("target", "x", "dryRun", true))))
        .isEmpty();
    assertThat(registry.validate(new ActionDefinition("a", "recorder", Map.of("dryRun", "yes"))))
        .containsExactly(
            "actions.a.dryRun: true or false. Found: yes",
            "actions.a.target: the name of a RecordingTarget. Found: null");
    assertThat(registry.validate(new ActionDefinition("b", "telegraph", Map.of())))
        .singleElement()
        .asString()
        .startsWith("actions.b.type: one of [")
        .endsWith("(no provider for this type on the class path). Found: telegraph");
  }

  @Test
  void shouldRefuseTwoProvidersForOneType() {
    ActionProvider impostor =
        new ActionProvider() {
          @Override
          public String type() {
            return RecordingProvider.TYPE;
          }

          @Override
          public List<String> validate(Map<String, Object> settings) {
            return List.of();
          }

          @Override
          public ActionExecutor executor(ActionDefinition definition, ProviderContext context) {
            throw new UnsupportedOperationException();
          }
        };
    assertThatThrownBy(() -> ProviderRegistry.of(List.of(new RecordingProvider(), impostor)))
        .hasMessageContaining("two action providers claim type 'recorder'");
  }

  @Test
  void shouldHandOutPermitsAtTheConfiguredRate() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    RateLimiter limiter = new RateLimiter(2, start);
    assertThat(limiter.reserve(start)).isZero();
    assertThat(limiter.reserve(start)).isZero();
    assertThat(limiter.reserve(start)).isEqualTo(Duration.ofMillis(500));
    assertThat(limiter.reserve(start.plusMillis(500))).isZero();
    assertThat(limiter.reserve(start.plusMillis(500))).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void shouldRedactSecretValuesAndSlackTokens() {
    Redactor redactor =
        new Redactor(
            Map.of(
                "SLACK_BOT_TOKEN",
                "abcdef123456",
                "HOME",
                "/home/someone",
                "DB_PASSWORD",
                "hunter22"));
    assertThat(
            redactor.redact(
                "token abcdef123456 in /home/someone, pw hunter22, xoxb-1234-5678-abcdef"))
        .isEqualTo("token [redacted] in /home/someone, pw [redacted], [redacted]");
  }
}
