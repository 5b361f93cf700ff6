package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleDocumentsTest {

  private static final String RULES =
      """
      alarms:
        - name: web-5xx
          metric: {namespace: Web, name: http_5xx}
          statistic: Sum
          period: 1m
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 5
          actions: {alarm: [ops-slack]}
        - name: db-up
          metric: {namespace: Postgres, name: up}
          statistic: Minimum
          period: 1m
          evaluationPeriods: 1
          comparison: LessThanThreshold
          threshold: 1
      compositeAlarms:
        - name: web-down
          rule: ALARM("web-5xx") AND NOT OK("db-up")
          actions: {alarm: [ops-slack]}
      actions:
        ops-slack: {type: slack, channel: "#ops"}
      """;

  @Test
  void shouldRoundTripEveryKindWhenRulesArePublishedAndReloaded() {
    LoadResult loaded = RuleLoader.loadString("web.yaml", RULES);
    assertThat(loaded.hasErrors()).as(loaded.render()).isFalse();

    List<RuleDocument> documents = RuleDocuments.of(loaded);
    LoadResult reloaded = RuleDocuments.load(documents);

    assertThat(documents)
        .extracting(RuleDocument::id)
        .containsExactly(
            "alarm/web-5xx", "alarm/db-up", "compositeAlarm/web-down", "action/ops-slack");
    assertThat(reloaded.hasErrors()).as(reloaded.render()).isFalse();
    assertThat(reloaded.ruleSet().alarms())
        .containsExactlyInAnyOrderElementsOf(loaded.ruleSet().alarms());
    assertThat(reloaded.ruleSet().actions()).isEqualTo(loaded.ruleSet().actions());
    assertThat(reloaded.ruleSet().compositeAlarms()).isEqualTo(loaded.ruleSet().compositeAlarms());
    assertThat(reloaded.ruleSet().compositeAlarms()).hasSize(1);
  }

  @Test
  void shouldRoundTripEveryValidFixtureWhenPublished() throws Exception {
    LoadResult loaded =
        RuleLoader.load(
            java.nio.file.Path.of(RuleDocumentsTest.class.getResource("/rules/valid").toURI()));

    LoadResult reloaded = RuleDocuments.load(RuleDocuments.of(loaded));

    assertThat(reloaded.hasErrors()).as(reloaded.render()).isFalse();
    assertThat(reloaded.ruleSet().alarms())
        .containsExactlyInAnyOrderElementsOf(loaded.ruleSet().alarms())
        .anyMatch(AlarmRule::hasMetricMath);
  }

  @Test
  void shouldIgnoreUnknownKindsWhenDocumentsComeFromALaterVersion() {
    LoadResult reloaded =
        RuleDocuments.load(List.of(new RuleDocument("dashboard", "x", "{\"name\":\"x\"}")));

    assertThat(reloaded.hasErrors()).isFalse();
    assertThat(reloaded.ruleSet()).isEqualTo(RuleSet.empty());
  }
}
