package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code src/test/resources/parse/golden/*.golden}: the line through its format's
 * parser, as a string and as bytes, must give the expected fields (names, order, values and types)
 * and event time, or the expected rejection.
 */
class GoldenFilesTest {

  static List<GoldenCase> allCases() {
    try (Stream<Path> files = Files.list(goldenDirectory())) {
      List<GoldenCase> cases = new ArrayList<>();
      files
          .filter(path -> path.toString().endsWith(".golden"))
          .sorted()
          .forEach(path -> cases.addAll(GoldenCase.load(path)));
      return cases;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path goldenDirectory() {
    try {
      return Path.of(GoldenFilesTest.class.getResource("/parse/golden").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> shouldMatchGoldenFieldsWhenParsingDocumentedExamples() {
    return allCases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
  }

  @Test
  void shouldCoverEveryFormatWhenGoldenFilesAreLoaded() {
    List<GoldenCase> cases = allCases();
    assertThat(cases).extracting(GoldenCase::format).containsAll(LogFormats.NAMES);
    assertThat(cases).filteredOn(c -> c.reject() == null).hasSizeGreaterThan(30);
  }

  private static void check(GoldenCase golden) {
    LogParser parser = LogFormats.parser(golden.format(), golden.option());
    ParseResult fromString = parser.parse(golden.line());
    ParseResult fromBytes = parser.parse(golden.line().getBytes(StandardCharsets.UTF_8));
    assertThat(fromBytes).as("bytes and string give the same result").isEqualTo(fromString);
    ParseResult withCrLf = parser.parse(golden.line() + "\r\n");
    assertThat(withCrLf).as("a CRLF ending is stripped").isEqualTo(fromString);

    if (golden.reject() != null) {
      assertThat(fromString)
          .as("%s", fromString)
          .isInstanceOfSatisfying(
              Rejected.class,
              rejected -> {
                assertThat(rejected.reason()).isEqualTo(golden.reject());
                assertThat(rejected.detail()).isNotBlank();
              });
      return;
    }
    assertThat(fromString).as("%s", fromString).isInstanceOf(Parsed.class);
    Parsed parsed = (Parsed) fromString;
    assertThat(parsed.fields()).containsExactlyEntriesOf(golden.fields());
    for (Map.Entry<String, Object> field : golden.fields().entrySet()) {
      Object actual = parsed.fields().get(field.getKey());
      if (field.getValue() != null) {
        assertThat(actual).as(field.getKey()).isExactlyInstanceOf(field.getValue().getClass());
      }
    }
    assertThat(parsed.timestamp()).isEqualTo(golden.timestamp().orElse(null));
  }
}
