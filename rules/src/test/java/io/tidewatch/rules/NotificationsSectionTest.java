package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code notifications:} section: carried as plain values, checked by the {@link
 * SectionValidator}s on the class path (here {@link ReceiverNamesValidator}), whose problems are
 * reported where they are written.
 */
class NotificationsSectionTest {

  @Test
  void shouldCarryAValidSectionAsPlainValues() {
    LoadResult result =
        RuleLoader.loadString(
            "n.yaml",
            """
            notifications:
              route:
                receiver: ops-slack
                groupBy: [alarmName]
                groupWait: 30s
            """);

    assertThat(result.diagnostics()).isEmpty();
    assertThat(result.ruleSet().notifications())
        .isEqualTo(
            Map.of(
                "route",
                Map.of(
                    "receiver", "ops-slack", "groupBy", List.of("alarmName"), "groupWait", "30s")));
  }

  @Test
  void shouldReportValidatorProblemsAtTheirLineAndColumn() {
    LoadResult result =
        RuleLoader.loadString(
            "n.yaml",
            """
            notifications:
              route:
                receiver: Ops-Slack
              reciever: x
            """);

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.ruleSet().notifications()).as("an invalid section is not used").isEmpty();
    assertThat(result.diagnostics())
        .extracting(d -> d.span().line() + ":" + d.span().column() + " " + d.code().code())
        .containsExactly("3:15 R2003", "4:3 R2001");
    assertThat(result.render()).contains("n.yaml:3:15: error[R2003]: receivers are lower case");
  }

  @Test
  void shouldPointAtTheDeepestWrittenPartOfAMissingKey() {
    LoadResult result =
        RuleLoader.loadString(
            "n.yaml",
            """
            notifications:
              route: {groupWait: 30s}
            """);

    assertThat(result.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.message()).isEqualTo("a receiver is required");
              assertThat(d.span().line()).isEqualTo(2);
              assertThat(d.span().column()).isEqualTo(10);
            });
  }

  @Test
  void shouldReportASecondNotificationsSectionInTheSameDirectory(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "notifications: {route: {receiver: a}}\n");
    Files.writeString(dir.resolve("b.yaml"), "\nnotifications: {route: {receiver: b}}\n");

    LoadResult result = RuleLoader.load(dir);

    assertThat(result.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.code()).isEqualTo(DiagnosticCode.DUPLICATE_NAME);
              assertThat(d.span().file()).endsWith("b.yaml");
              assertThat(d.span().line()).isEqualTo(2);
              assertThat(d.message()).contains("a.yaml:1");
            });
  }

  @Test
  void shouldPublishTheSectionAsOneRuleDocumentAndLoadItBack() {
    LoadResult loaded =
        RuleLoader.loadString(
            "n.yaml",
            """
            notifications:
              route: {receiver: ops-slack, repeatInterval: 4h}
            """);

    List<RuleDocument> documents = RuleDocuments.of(loaded);

    assertThat(documents)
        .extracting(RuleDocument::id)
        .containsExactly("notifications/notifications");
    assertThat(RuleDocuments.load(documents).ruleSet().notifications())
        .isEqualTo(loaded.ruleSet().notifications());
  }
}
