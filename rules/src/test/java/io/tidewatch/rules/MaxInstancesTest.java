package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-alarm cardinality limit, {@code maxInstances}. */
class MaxInstancesTest {

  private static final String ALARM =
      """
      alarms:
        - name: cpu
          metric: {namespace: Host, name: cpu}
          groupBy: [host]
          statistic: Average
          period: 1m
          evaluationPeriods: 1
          comparison: GreaterThanThreshold
          threshold: 70
      """;

  @Test
  void defaultsToOneThousandWhenNotGiven() {
    LoadResult result = RuleLoader.loadString("a.yaml", ALARM);

    assertThat(result.hasErrors()).as(result.render()).isFalse();
    assertThat(result.ruleSet().alarm("cpu").orElseThrow().maxInstances())
        .isEqualTo(AlarmRule.DEFAULT_MAX_INSTANCES)
        .isEqualTo(1000);
  }

  @Test
  void readsTheLimitWhenGiven() {
    LoadResult result = RuleLoader.loadString("a.yaml", ALARM + "    maxInstances: 25\n");

    assertThat(result.hasErrors()).as(result.render()).isFalse();
    assertThat(result.ruleSet().alarm("cpu").orElseThrow().maxInstances()).isEqualTo(25);
  }

  @Test
  void refusesALimitBelowOneWithItsPosition() {
    LoadResult result = RuleLoader.loadString("a.yaml", ALARM + "    maxInstances: 0\n");

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.render())
        .contains("a.yaml:10:")
        .contains("'maxInstances' must be at least 1");
  }
}
