package io.tidewatch.actions.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.rules.DiagnosticCode;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import org.junit.jupiter.api.Test;

/**
 * The {@code notifications:} section through the rule loader, as {@code tidewatch rules check} sees
 * it: {@link PolicyParser}'s problems at their line and column, and a valid section carried in the
 * rule set for the workers.
 */
class NotificationsValidatorTest {

  @Test
  void shouldReportEveryPolicyProblemAtItsLineAndColumn() {
    LoadResult result =
        RuleLoader.loadString(
            "notify.yaml",
            """
            actions:
              ops-slack: {type: slack, channel: "#ops"}
            notifications:
              route:
                receiver: ops-slack
                groupWait: soon
                routes:
                  - matchers: ['team="web"']
                    recevier: web-slack
                    muteTimeWindows: [nights]
              muteTimeWindows:
                weekends:
                  - weekdays: [saturday:sunday]
                    timezone: Mars/Olympus
            """);

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.diagnostics())
        .extracting(d -> d.code() + "@" + d.span().line() + ":" + d.span().column())
        .containsExactly(
            DiagnosticCode.BAD_VALUE + "@6:16",
            DiagnosticCode.UNKNOWN_KEY + "@9:9",
            DiagnosticCode.BAD_VALUE + "@12:5",
            DiagnosticCode.BAD_VALUE + "@14:19");
    assertThat(result.render())
        .contains("notify.yaml:6:16: error[R2003]: a duration like")
        .contains("notify.yaml:9:9: error[R2001]: unknown key")
        .contains("no window named 'nights'");
    assertThat(result.ruleSet().notifications()).isEmpty();
  }

  @Test
  void shouldCarryAValidSectionThatTheWorkersCanUse() {
    LoadResult result =
        RuleLoader.loadString(
            "notify.yaml",
            """
            actions:
              ops-slack: {type: slack, channel: "#ops"}
            notifications:
              route:
                receiver: ops-slack
                groupBy: ["..."]
                repeatInterval: 1h
            """);

    assertThat(result.diagnostics()).isEmpty();
    NotificationPolicy policy = PolicyParser.parse(result.ruleSet().notifications());
    assertThat(policy.route("ops-slack", java.util.Map.of("alarmName", "x")))
        .singleElement()
        .satisfies(
            match -> {
              assertThat(match.receiver()).isEqualTo("ops-slack");
              assertThat(match.timing().repeatInterval()).hasHours(1);
            });
  }

  @Test
  void shouldReportTooLongMatcherAndHugeDurationAtTheirLineAndColumn() {
    String matcher = "team=x" + " ".repeat(2000) + "y";
    LoadResult result =
        RuleLoader.loadString(
            "notify.yaml",
            """
            actions:
              ops-slack: {type: slack, channel: "#ops"}
            notifications:
              route:
                receiver: ops-slack
                repeatInterval: 99999999999999999999d
                routes:
                  - matchers: ['%s']
            """
                .formatted(matcher));

    assertThat(result.diagnostics())
        .extracting(d -> d.code() + "@" + d.span().line() + ":" + d.span().column())
        .containsExactly(DiagnosticCode.BAD_VALUE + "@6:21", DiagnosticCode.BAD_VALUE + "@8:20");
    assertThat(result.render())
        .contains("notify.yaml:6:21: error[R2003]: a duration like")
        .contains("notify.yaml:8:20: error[R2003]: a matcher is at most 1024 characters");
  }
}
