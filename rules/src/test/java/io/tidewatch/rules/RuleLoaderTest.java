package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {

  private static final String GOOD_ALARM =
      """
        - name: %s
          metric: {namespace: Host, name: cpu_utilization}
          statistic: Average
          period: 1m
          evaluationPeriods: 5
          comparison: GreaterThanThreshold
          threshold: 70
      """;

  @TempDir Path temp;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(RuleLoaderTest.class.getResource("/rules/" + name).toURI());
  }

  private static List<String> codes(LoadResult result) {
    return result.diagnostics().stream().map(d -> d.code().code()).toList();
  }

  @Test
  void shouldLoadEveryRuleWithoutDiagnosticsWhenDirectoryIsValid() throws URISyntaxException {
    LoadResult result = RuleLoader.load(resource("valid"));

    assertThat(result.hasErrors()).as(result.render()).isFalse();
    assertThat(result.diagnostics()).as(result.render()).isEmpty();
    assertThat(result.ruleSet().alarms())
        .extracting(AlarmRule::name)
        .containsExactly(
            "db-free-storage-low",
            "db-connections",
            "web-5xx-ratio",
            "api-latency-anomaly",
            "web-cpu-high",
            "web.latency_p99");
    assertThat(result.ruleSet().actions()).containsOnlyKeys("ops-slack", "web-scale-out");
  }

  @Test
  void shouldLeaveRuleTestsOutWhenLoadingADirectory() throws IOException {
    Files.writeString(temp.resolve("web.yaml"), "alarms:\n" + GOOD_ALARM.formatted("web-cpu"));
    Files.writeString(temp.resolve("web.test.yaml"), "ruleFiles: [web.yaml]\ntests: []\n");
    Files.writeString(temp.resolve("db.test.yml"), "ruleFiles: [web.yaml]\ntests: []\n");

    LoadResult result = RuleLoader.load(temp);

    assertThat(result.diagnostics()).as(result.render()).isEmpty();
    assertThat(result.ruleSet().alarms()).extracting(AlarmRule::name).containsExactly("web-cpu");
    assertThat(RuleLoader.ruleFilesIn(temp)).containsExactly(temp.resolve("web.yaml"));
    assertThat(RuleLoader.testFilesIn(temp))
        .containsExactly(temp.resolve("db.test.yml"), temp.resolve("web.test.yaml"));
  }

  @Test
  void shouldReadEveryAlarmKeyWhenAllAreGiven() throws URISyntaxException {
    AlarmRule rule =
        RuleLoader.load(resource("valid")).ruleSet().alarm("web-cpu-high").orElseThrow();

    assertThat(rule)
        .isEqualTo(
            new AlarmRule(
                "web-cpu-high",
                "CPU above 70% on a web host for 3 of the last 5 minutes",
                new MetricSelector("Host", "cpu_utilization", Map.of("service", "web")),
                List.of("host"),
                Statistic.AVERAGE,
                Duration.ofMinutes(1),
                5,
                3,
                7,
                ComparisonOperator.GreaterThanThreshold,
                70,
                TreatMissingData.missing,
                Duration.ZERO,
                new AlarmActions(
                    List.of("ops-slack", "web-scale-out"), List.of("ops-slack"), List.of()),
                Map.of("severity", "page", "team", "web"),
                "https://wiki.example.com/runbooks/web-cpu"));
  }

  @Test
  void shouldApplyDefaultsWhenOptionalKeysAreAbsent() throws URISyntaxException {
    RuleSet rules = RuleLoader.load(resource("valid")).ruleSet();
    AlarmRule connections = rules.alarm("db-connections").orElseThrow();
    AlarmRule storage = rules.alarm("db-free-storage-low").orElseThrow();
    AlarmRule latency = rules.alarm("web.latency_p99").orElseThrow();

    assertThat(connections.datapointsToAlarm()).isEqualTo(1);
    assertThat(connections.evaluationRange()).isEqualTo(3);
    assertThat(connections.description()).isEmpty();
    assertThat(connections.groupBy()).isEmpty();
    assertThat(connections.allowedLateness()).isZero();
    assertThat(connections.actions()).isEqualTo(AlarmActions.none());
    assertThat(connections.runbook()).isNull();
    assertThat(connections.treatMissingData()).isEqualTo(TreatMissingData.ignore);
    assertThat(connections.threshold()).isEqualTo(-1.0);
    assertThat(connections.period()).isEqualTo(Duration.ofHours(1));
    assertThat(storage.evaluationRange()).isEqualTo(10);
    assertThat(storage.threshold()).isEqualTo(1.5e9);
    assertThat(storage.statistic()).isEqualTo(Statistic.MINIMUM);
    assertThat(latency.statistic().label()).isEqualTo("p99.9");
    assertThat(latency.period()).isEqualTo(Duration.ofSeconds(30));
    assertThat(latency.allowedLateness()).isEqualTo(Duration.ofMinutes(5));
    assertThat(latency.metric().dimensions())
        .containsExactly(Map.entry("code", "200"), Map.entry("service", "web"));
    assertThat(latency.actions().forState(io.tidewatch.model.alarm.AlarmState.ALARM))
        .containsExactly("ops-slack");
  }

  @Test
  void shouldKeepActionSettingsAsPlainValuesWhenLoadingActions() throws URISyntaxException {
    ActionDefinition scaleOut =
        RuleLoader.load(resource("valid")).ruleSet().actions().get("web-scale-out");

    assertThat(scaleOut.type()).isEqualTo("scale");
    assertThat(scaleOut.settings())
        .containsEntry("provider", "kubernetes")
        .containsEntry("min", 2L)
        .containsEntry("max", 10L)
        .containsEntry("cooldown", "5m")
        .doesNotContainKey("type");
  }

  @Test
  void shouldPointAtSecondDefinitionAndNameFirstWhenAlarmNameIsDuplicatedAcrossFiles()
      throws URISyntaxException {
    Path directory = resource("duplicates");
    LoadResult result = RuleLoader.load(directory);

    assertThat(result.diagnostics()).hasSize(1);
    Diagnostic duplicate = result.diagnostics().get(0);
    assertThat(duplicate.code()).isEqualTo(DiagnosticCode.DUPLICATE_NAME);
    assertThat(duplicate.span())
        .isEqualTo(new SourceSpan(directory.resolve("b.yaml").toString(), 12, 11, 23));
    assertThat(duplicate.message())
        .isEqualTo(
            "duplicate alarm name 'web-cpu-high'; it is first defined at "
                + directory.resolve("a.yaml")
                + ":2");
    assertThat(result.ruleSet().alarms())
        .extracting(AlarmRule::name, AlarmRule::statistic)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web-cpu-high", Statistic.AVERAGE),
            org.assertj.core.groups.Tuple.tuple("web-mem-high", Statistic.AVERAGE));
  }

  @Test
  void shouldResolveActionsAcrossFilesWhenDefinedInAnotherFile() throws URISyntaxException {
    LoadResult result = RuleLoader.load(resource("duplicates"));

    assertThat(codes(result)).doesNotContain(DiagnosticCode.UNDEFINED_REFERENCE.code());
  }

  @Test
  void shouldKeepValidAlarmsWhenOtherAlarmsOfTheFileHaveErrors() {
    String yaml =
        "alarms:\n"
            + GOOD_ALARM.formatted("good")
            + GOOD_ALARM.formatted("bad").replace("threshold: 70", "threshold: seventy");

    LoadResult result = RuleLoader.loadString("mixed.yaml", yaml);

    assertThat(result.hasErrors()).isTrue();
    assertThat(codes(result)).containsExactly("R2002");
    assertThat(result.ruleSet().alarms()).extracting(AlarmRule::name).containsExactly("good");
  }

  @Test
  void shouldNotCountWarningsAsErrorsWhenOnlyUnsupportedSectionsAreUsed() {
    String yaml =
        """
        metricFilters:
          - name: nginx-5xx
        healthChecks:
          - name: www-primary
        backups: []
        queries: []
        schedules: []
        compositeAlarms: []
        notifications: {}
        """;

    LoadResult result = RuleLoader.loadString("later.yaml", yaml);

    assertThat(result.hasErrors()).isFalse();
    assertThat(result.diagnostics())
        .extracting(Diagnostic::severity)
        .containsOnly(Severity.WARNING)
        .hasSize(5);
    assertThat(result.diagnostics().get(0).message())
        .isEqualTo("section 'metricFilters' is not supported yet; it is ignored");
  }

  @Test
  void shouldRefuseFileQuicklyWhenItIsLargerThanFourMebibytes() throws IOException {
    Path big = temp.resolve("big.yaml");
    try (Writer writer = Files.newBufferedWriter(big, StandardCharsets.UTF_8)) {
      String line = "# " + "x".repeat(1021) + "\n";
      for (int i = 0; i < 5 * 1024; i++) {
        writer.write(line);
      }
    }
    assertThat(Files.size(big)).isEqualTo(5L * 1024 * 1024);

    LoadResult result =
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> RuleLoader.load(temp));

    assertThat(result.diagnostics()).hasSize(1);
    Diagnostic tooLarge = result.diagnostics().get(0);
    assertThat(tooLarge.code()).isEqualTo(DiagnosticCode.TOO_LARGE);
    assertThat(tooLarge.span()).isEqualTo(SourceSpan.file(big.toString()));
    assertThat(tooLarge.message()).contains("5.0 MiB").contains("4 MiB");
    assertThat(result.sources()).isEmpty();
  }

  @Test
  void shouldRefuseStringQuicklyWhenItIsLargerThanFourMebibytes() {
    String yaml = "a: " + "x".repeat(5 * 1024 * 1024);

    LoadResult result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2), () -> RuleLoader.loadString("big.yaml", yaml));

    assertThat(codes(result)).containsExactly("R5001");
  }

  @Test
  void shouldRefuseBillionLaughsQuicklyWhenAliasesExplode() {
    StringBuilder yaml =
        new StringBuilder("lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level <= 9; level++) {
      String previous = "*lol" + (level - 1);
      yaml.append("lol").append(level).append(": &lol").append(level).append(" [");
      yaml.append(String.join(", ", java.util.Collections.nCopies(9, previous))).append("]\n");
    }

    LoadResult result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2), () -> RuleLoader.loadString("laughs.yaml", yaml.toString()));

    assertThat(codes(result)).containsExactly("R5001");
    assertThat(result.render()).startsWith("laughs.yaml:1:1: error[R5001]: too many aliases");
  }

  @Test
  void shouldRefuseDocumentWhenNestedTooDeeply() {
    String shallowEnoughForSnakeYaml = "a: " + "[".repeat(150) + "]".repeat(150) + "\n";
    String deeperThanAnyStack = "[".repeat(200_000);

    LoadResult nested = RuleLoader.loadString("nested.yaml", shallowEnoughForSnakeYaml);
    LoadResult abyss =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> RuleLoader.loadString("abyss.yaml", deeperThanAnyStack));

    assertThat(codes(nested)).containsExactly("R5001");
    assertThat(codes(abyss)).hasSize(1).containsAnyOf("R5001", "R1001");
  }

  @Test
  void shouldReportSecretsWithoutEchoingThemWhenScalarsHoldCredentials() {
    // Built at run time so that no credential-shaped literal is committed, even a fake one.
    String slackToken = "xo" + "xb-" + "1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    String awsKeyId = "AK" + "IA" + "QWERTYUIOPASDFGH";
    String yaml =
        """
        actions:
          ops-slack: {type: slack, channel: "#ops", token: %s}
        alarms:
          - name: web-cpu-high
            description: "key %s leaked here"
            metric: {namespace: Host, name: cpu_utilization}
            statistic: %s
            period: 1m
            evaluationPeriods: 5
            comparison: GreaterThanThreshold
            threshold: 70
        """
            .formatted(slackToken, awsKeyId, awsKeyId);

    LoadResult result = RuleLoader.loadString("secrets.yaml", yaml);

    assertThat(result.diagnostics())
        .extracting(d -> d.code().code() + " " + d.span().line() + ":" + d.span().column())
        .containsExactly("R4001 2:52", "R4001 5:23", "R4001 7:16", "R2003 7:16");
    assertThat(result.diagnostics().get(0).message())
        .isEqualTo(
            "this looks like a Slack token; secrets must not be written in rule files: providers"
                + " read them from the environment or a Kubernetes Secret");
    String rendered = result.render();
    assertThat(rendered)
        .doesNotContain(slackToken)
        .doesNotContain(awsKeyId)
        .doesNotContain(slackToken.substring(5))
        .contains("token: xoxb-" + "*".repeat(slackToken.length() - 5) + "}")
        .contains("unknown statistic 'AKIA" + "*".repeat(16) + "'");
    assertThat(result.diagnostics())
        .extracting(Diagnostic::message)
        .noneMatch(message -> message.contains(awsKeyId) || message.contains(slackToken));
  }

  @Test
  void shouldReportEveryFileProblemWhenDirectoryIsUnreadable() throws IOException {
    Files.write(temp.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    Files.writeString(temp.resolve("two-docs.yml"), "a: 1\n---\nb: 2\n");
    Files.writeString(temp.resolve("notes.txt"), "not a rule file");

    LoadResult result = RuleLoader.load(temp);

    assertThat(result.diagnostics())
        .extracting(d -> d.code().code() + " " + Path.of(d.span().file()).getFileName())
        .containsExactly("R1004 latin1.yaml", "R1001 two-docs.yml");
    assertThat(RuleLoader.load(temp.resolve("missing")).diagnostics())
        .extracting(Diagnostic::code)
        .containsExactly(DiagnosticCode.UNREADABLE);
  }

  @Test
  void shouldRenderDiagnosticWithSourceLineAndCaretWhenStatisticIsUnknown() {
    String yaml =
        """
        alarms:
          - name: web-cpu-high
            metric: {namespace: Host, name: cpu_utilization}
            statistic: avgg
            period: 1m
            evaluationPeriods: 5
            comparison: GreaterThanThreshold
            threshold: 70
        """;

    String rendered = RuleLoader.loadString("rules/web.yaml", yaml).render();

    assertThat(rendered)
        .isEqualTo(
            """
            rules/web.yaml:4:16: error[R2003]: unknown statistic 'avgg' (did you mean 'Average'?)
                4 |     statistic: avgg
                  |                ^^^^
            """);
  }

  @Test
  void shouldReportRootTypeWhenDocumentIsNotAMapping() {
    assertThat(codes(RuleLoader.loadString("list.yaml", "- a\n- b\n"))).containsExactly("R2002");
    assertThat(codes(RuleLoader.loadString("scalar.yaml", "just text\n"))).containsExactly("R2002");
    assertThat(codes(RuleLoader.loadString("empty.yaml", ""))).containsExactly("R1005");
    assertThat(codes(RuleLoader.loadString("null.yaml", "~\n"))).containsExactly("R1005");
  }

  @Test
  void shouldAcceptEmptySectionsWhenTheyHoldNothing() {
    LoadResult result = RuleLoader.loadString("empty-sections.yaml", "alarms:\nactions:\n");

    assertThat(result.diagnostics()).isEmpty();
    assertThat(result.ruleSet()).isEqualTo(RuleSet.empty());
  }

  @Test
  void shouldReportTooLongAtTheNameWhenAnAlarmNameHasThreeMillionCharacters() {
    String name = "a".repeat(3_000_000);
    String text =
        """
        alarms:
          - name: %s
            metric: {namespace: Host, name: cpu_utilization}
            statistic: Average
            period: 1m
            evaluationPeriods: 1
            comparison: GreaterThanThreshold
            threshold: 70
        """
            .formatted(name);

    LoadResult result = RuleLoader.loadString("huge.yaml", text);

    assertThat(result.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.code()).isEqualTo(DiagnosticCode.TOO_LONG);
              assertThat(d.span().line()).isEqualTo(2);
              assertThat(d.span().column()).isEqualTo(11);
              assertThat(d.message()).contains("3000000 characters").hasSizeLessThan(200);
            });
    assertThat(result.ruleSet().alarms()).isEmpty();
  }
}
