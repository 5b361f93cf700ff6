package io.tidewatch.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesValuesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "50 80 80 _ 80 80 | 50 80 80 _ 80 80",
        "1+2x3            | 1 3 5 7",
        "-2+4x3           | -2 2 6 10",
        "1-2x4            | 1 -1 -3 -5 -7",
        "1x4              | 1 1 1 1 1",
        "_x2 5            | _ _ _ 5",
        "0.1+0.1x2        | 0.1 0.2 0.3",
        "1e2 -1.5 .5 +3   | 100 -1.5 0.5 3",
        "7x0              | 7",
      })
  void shouldExpandNotationWhenValuesAreValid(String text, String expected) {
    List<Double> values = SeriesValues.parse(text).values();

    List<Double> wanted =
        Arrays.stream(expected.strip().split(" "))
            .map(token -> token.equals("_") ? null : Double.valueOf(token))
            .toList();
    assertThat(values).containsExactlyElementsOf(wanted);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 abc 3     | 2 | 3",
        "1X3         | 0 | 3",
        "NaN         | 0 | 3",
        "1e999       | 0 | 5",
        "1x99999999  | 0 | 10",
        "'   '       | 0 | 3",
      })
  void shouldPointAtTokenWhenValuesAreInvalid(String text, int offset, int length) {
    SeriesValues.Parsed parsed = SeriesValues.parse(text);

    assertThat(parsed.values()).isNull();
    assertThat(parsed.problems()).hasSize(1);
    assertThat(parsed.problems().get(0).offset()).isEqualTo(offset);
    assertThat(parsed.problems().get(0).length()).isEqualTo(length);
  }
}
