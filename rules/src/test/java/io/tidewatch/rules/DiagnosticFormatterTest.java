package io.tidewatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosticFormatterTest {

  private static final String WEB_YAML =
      "alarms:\n".repeat(13) + "    statistic: avgg\n" + "    threshold: 70\n";

  @Test
  void shouldRenderHeaderSourceLineAndCaretsWhenSourceIsKnown() {
    Diagnostic diagnostic =
        Diagnostic.of(
            DiagnosticCode.BAD_VALUE,
            new SourceSpan("rules/web.yaml", 14, 16, 20),
            "unknown statistic 'avgg' (did you mean 'Average'?)");

    assertThat(DiagnosticFormatter.format(diagnostic, WEB_YAML))
        .isEqualTo(
            """
            rules/web.yaml:14:16: error[R2003]: unknown statistic 'avgg' (did you mean 'Average'?)
               14 |     statistic: avgg
                  |                ^^^^
            """);
  }

  @Test
  void shouldLabelWarningAndDrawOneCaretWhenSpanIsEmpty() {
    Diagnostic diagnostic =
        Diagnostic.of(
            DiagnosticCode.UNSUPPORTED_SECTION,
            new SourceSpan("web.yaml", 1, 1, 1),
            "section 'x' is not supported yet; it is ignored");

    assertThat(DiagnosticFormatter.format(diagnostic, "schedules: []\n"))
        .isEqualTo(
            """
            web.yaml:1:1: warning[W1001]: section 'x' is not supported yet; it is ignored
                1 | schedules: []
                  | ^
            """);
  }

  @Test
  void shouldKeepTabsBeforeTheSpanWhenLineHasTabs() {
    Diagnostic diagnostic =
        Diagnostic.of(DiagnosticCode.BAD_VALUE, new SourceSpan("f.yaml", 1, 6, 9), "bad");

    assertThat(DiagnosticFormatter.format(diagnostic, "a: \"\tbad\"\n"))
        .endsWith("    1 | a: \"\tbad\"\n" + "      | " + "    \t" + "^^^\n");
  }

  @Test
  void shouldPrintHeaderOnlyWhenSourceOrLineIsUnavailable() {
    Diagnostic diagnostic =
        Diagnostic.of(DiagnosticCode.TOO_LARGE, new SourceSpan("big.yaml", 3, 1, 1), "too big");

    assertThat(DiagnosticFormatter.format(diagnostic, null))
        .isEqualTo("big.yaml:3:1: error[R5001]: too big\n");
    assertThat(DiagnosticFormatter.format(diagnostic, "one line\n"))
        .isEqualTo("big.yaml:3:1: error[R5001]: too big\n");
  }

  @Test
  void shouldMaskSecretsWhenTheSourceLineHoldsOne() {
    String token = "xo" + "xp-" + "0123456789-abcdef";
    Diagnostic diagnostic =
        Diagnostic.of(
            DiagnosticCode.SECRET_LITERAL,
            new SourceSpan("f.yaml", 1, 8, 8 + token.length()),
            "secret");

    String rendered = DiagnosticFormatter.format(diagnostic, "token: " + token + "\n");

    assertThat(rendered).doesNotContain(token).contains("token: xoxp-*****************");
  }

  @Test
  void shouldRenderEveryDiagnosticWithItsOwnFileWhenFormattingAList() {
    List<Diagnostic> diagnostics =
        List.of(
            Diagnostic.of(DiagnosticCode.UNKNOWN_KEY, new SourceSpan("a.yaml", 1, 1, 4), "one"),
            Diagnostic.of(DiagnosticCode.UNKNOWN_KEY, new SourceSpan("b.yaml", 2, 1, 4), "two"));

    String rendered =
        DiagnosticFormatter.format(
            diagnostics, Map.of("a.yaml", "foo: 1\n", "b.yaml", "x: 1\nbar: 2\n"));

    assertThat(rendered)
        .isEqualTo(
            """
            a.yaml:1:1: error[R2001]: one
                1 | foo: 1
                  | ^^^
            b.yaml:2:1: error[R2001]: two
                2 | bar: 2
                  | ^^^
            """);
  }

  @Test
  void shouldCutTheLineAndTheCaretAroundTheSpanWhenTheLineIsVeryLong() {
    String name = "a".repeat(3_000_000);
    Diagnostic diagnostic =
        Diagnostic.of(
            DiagnosticCode.TOO_LONG,
            new SourceSpan("huge.yaml", 2, 11, 11 + name.length()),
            "alarm name is too long");

    String rendered = DiagnosticFormatter.format(diagnostic, "alarms:\n  - name: " + name + "\n");

    String shown = "a".repeat(DiagnosticFormatter.MAX_SHOWN - 10);
    assertThat(rendered)
        .isEqualTo(
            "huge.yaml:2:11: error[R5002]: alarm name is too long\n"
                + "    2 |   - name: "
                + shown
                + "...\n"
                + "      |           "
                + "^".repeat(shown.length())
                + "\n");
  }
}
