package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Choosing and compiling formats: mistakes in a format are reported at start, saying how to fix
 * them.
 */
class LogFormatsTest {

  @Test
  void shouldSuggestTheNearestNameWhenTheFormatIsUnknown() {
    assertThatThrownBy(() -> LogFormats.parser("ngnix", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown log format 'ngnix'")
        .hasMessageContaining("did you mean 'nginx'?")
        .hasMessageContaining("nginx, apache, alb, vpc-flow, json, raw");
    assertThatThrownBy(() -> LogFormats.parser(null, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldAcceptNamesInAnyCaseWhenChoosingAFormat() {
    assertThat(
            LogFormats.parser(" VPC-Flow ", Optional.empty())
                .parse("2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA"))
        .isInstanceOf(Parsed.class);
  }

  @Test
  void shouldRefuseAFormatStringWhenTheFormatHasAFixedLayout() {
    for (String format : new String[] {"alb", "json", "raw"}) {
      assertThatThrownBy(() -> LogFormats.parser(format, Optional.of("$status")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes no format string");
      assertThat(LogFormats.parser(format, Optional.of("  "))).isNotNull();
    }
  }

  @Test
  void shouldRefuseAdjacentVariablesWhenNothingSeparatesThem() {
    assertThatThrownBy(() -> LogFormats.parser("nginx", Optional.of("$remote_addr$status")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$remote_addr and $status follow each other");
  }

  @Test
  void shouldRefuseNginxFormatsWhenTheyHaveNoVariablesOrABrokenBrace() {
    assertThatThrownBy(() -> LogFormats.parser("nginx", Optional.of("just text")))
        .hasMessageContaining("has no variables");
    assertThatThrownBy(() -> LogFormats.parser("nginx", Optional.of("${status")))
        .hasMessageContaining("closing '}'");
    assertThatThrownBy(() -> LogFormats.parser("nginx", Optional.of("log_format main $status;")))
        .hasMessageContaining("quoted strings");
  }

  @Test
  void shouldRefuseApacheDirectivesWhenTheyAreNotSupported() {
    assertThatThrownBy(() -> LogFormats.parser("apache", Optional.of("%h %{%Y}t %>s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("%{%Y}t")
        .hasMessageContaining("Supported directives");
    assertThatThrownBy(() -> LogFormats.parser("apache", Optional.of("%h %Z")))
        .hasMessageContaining("%Z at column 4");
  }

  @Test
  void shouldRefuseFlowLogFormatsWhenAFieldIsMalformedOrRepeated() {
    assertThatThrownBy(() -> LogFormats.parser("vpc-flow", Optional.of("${version}${srcaddr}")))
        .hasMessageContaining("is not a field");
    assertThatThrownBy(() -> LogFormats.parser("vpc-flow", Optional.of("version srcaddr version")))
        .hasMessageContaining("'version' appears twice");
    assertThatThrownBy(() -> LogFormats.parser("vpc-flow", Optional.of("Version")))
        .hasMessageContaining("is not a field");
  }

  @Test
  void shouldNameUnknownFlowLogFieldsInCamelCaseWhenAwsAddsFields() {
    LogParser parser = LogFormats.parser("vpc-flow", Optional.of("${version} ${some-new-field}"));
    Parsed parsed = (Parsed) parser.parse("11 abc-def");
    assertThat(parsed.fields())
        .containsEntry("version", 11L)
        .containsEntry("someNewField", "abc-def");
  }

  @Test
  void shouldNameRepeatedVariablesApartWhenAFormatUsesOneTwice() {
    LogParser parser =
        LogFormats.parser("nginx", Optional.of("$status \"$request\" $request_method $status"));
    Parsed parsed = (Parsed) parser.parse("200 \"GET / HTTP/1.1\" GET 201");
    assertThat(parsed.fields().keySet())
        .containsExactly(
            "status", "request", "method", "path", "protocol", "requestMethod", "status2");
    assertThat(parsed.fields()).containsEntry("status", 200L).containsEntry("status2", 201L);
  }

  @Test
  void shouldRefuseBadLimitsWhenTheLineLimitIsNotPositive() {
    assertThatThrownBy(() -> LogFormats.parser("raw", Optional.empty(), 0))
        .hasMessageContaining("maxLineBytes");
    assertThatThrownBy(() -> new LineDecoder(-1)).hasMessageContaining("maxLineBytes");
  }

  @Test
  void shouldRejectBadFieldTypesWhenParsedIsBuiltOutsideTheParsers() {
    java.util.Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("n", 1);
    assertThatThrownBy(() -> new Parsed(null, fields))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Integer");
    fields.put("n", 1L);
    fields.put("absent", null);
    Parsed parsed = new Parsed(null, fields);
    fields.put("late", "change");
    assertThat(parsed.fields()).doesNotContainKey("late").containsEntry("absent", null);
    assertThatThrownBy(() -> parsed.fields().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldShortenAndCleanDetailWhenARejectionQuotesTheInput() {
    Rejected rejected = new Rejected(RejectReason.BAD_FIELD, "bad\u0000\n" + "x".repeat(500));
    assertThat(rejected.detail())
        .hasSize(Rejected.MAX_DETAIL_LENGTH)
        .startsWith("bad??")
        .endsWith("...");
    assertThat(new Rejected(RejectReason.EMPTY, null).describe()).isEqualTo("EMPTY");
  }
}
