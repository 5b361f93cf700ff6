package io.tidewatch.rules.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.ComparisonOperator;
import io.tidewatch.rules.MetricSelector;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.TreatMissingData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden vectors of RULES.md section 4: AWS's documented tables for treating missing data,
 * every row under every treatment. Evaluation range 5, newest datapoint on the right; {@code 0} is
 * not breaching, {@code X} breaching, {@code -} missing; "Retain" keeps the current state.
 */
class AwsMissingDataTablesTest {

  /** Columns: datapoints | fills needed | missing | ignore | breaching | notBreaching. */
  private static final String N3_M3 =
      """
      0 - X - X | 0 | OK                | OK     | OK    | OK
      0 - - - - | 2 | OK                | OK     | OK    | OK
      - - - - - | 3 | INSUFFICIENT_DATA | Retain | ALARM | OK
      0 X X - X | 0 | ALARM             | ALARM  | ALARM | ALARM
      - - X - - | 2 | ALARM             | Retain | ALARM | OK
      """;

  private static final String N3_M2 =
      """
      0 - X - X | 0 | ALARM | ALARM  | ALARM | ALARM
      0 0 X 0 X | 0 | ALARM | ALARM  | ALARM | ALARM
      0 - X - - | 1 | OK    | OK     | ALARM | OK
      - - - - 0 | 2 | OK    | OK     | ALARM | OK
      - - - X - | 2 | ALARM | Retain | ALARM | OK
      """;

  private static final List<TreatMissingData> COLUMNS =
      List.of(
          TreatMissingData.missing,
          TreatMissingData.ignore,
          TreatMissingData.breaching,
          TreatMissingData.notBreaching);

  private static final double THRESHOLD = 50;
  private static final Instant START = Instant.parse("2026-11-22T04:00:00Z");

  static Stream<Arguments> rows() {
    return Stream.concat(rows(3, 3, N3_M3), rows(3, 2, N3_M2));
  }

  private static Stream<Arguments> rows(int n, int m, String table) {
    List<Arguments> rows = new ArrayList<>();
    for (String line : table.strip().split("\n")) {
      String[] cells = line.split("\\|");
      for (int column = 0; column < COLUMNS.size(); column++) {
        rows.add(
            Arguments.of(
                n,
                m,
                cells[0].strip(),
                Integer.parseInt(cells[1].strip()),
                COLUMNS.get(column),
                cells[column + 2].strip()));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "N={0} M={1} [{2}] treatMissingData={4} -> {5}")
  @MethodSource("rows")
  void shouldMatchAwsTableWhenEvaluatingDocumentedRow(
      int n,
      int m,
      String datapoints,
      int fillsNeeded,
      TreatMissingData treatment,
      String expected) {
    AlarmRule rule =
        AlarmRule.of(
            "table",
            MetricSelector.of("Test", "value"),
            Statistic.MAXIMUM,
            Duration.ofMinutes(1),
            n,
            m,
            ComparisonOperator.GreaterThanThreshold,
            THRESHOLD,
            treatment);
    List<PeriodDatapoint> range = range(datapoints);
    assertThat(rule.evaluationRange()).isEqualTo(range.size());
    long real = range.stream().filter(PeriodDatapoint::isPresent).count();
    assertThat(Math.max(0, n - real)).as("fills needed, as transcribed").isEqualTo(fillsNeeded);

    if (expected.equals("Retain")) {
      for (AlarmState current : List.of(AlarmState.OK, AlarmState.ALARM)) {
        Evaluation evaluation = AlarmEvaluator.evaluate(rule, range, current, START);
        assertThat(evaluation.state()).as("current %s", current).isEqualTo(current);
        assertThat(evaluation.changed()).isFalse();
      }
    } else {
      for (AlarmState current : AlarmState.values()) {
        Evaluation evaluation = AlarmEvaluator.evaluate(rule, range, current, START);
        assertThat(evaluation.state())
            .as("current %s: %s", current, evaluation.reason())
            .isEqualTo(AlarmState.valueOf(expected));
        assertThat(evaluation.changed()).isEqualTo(evaluation.state() != current);
      }
    }
  }

  /** "0 - X - X", oldest first: 0 is below the threshold, X above it, - missing. */
  private static List<PeriodDatapoint> range(String datapoints) {
    List<PeriodDatapoint> range = new ArrayList<>();
    String[] cells = datapoints.split(" ");
    for (int i = 0; i < cells.length; i++) {
      Instant start = START.plus(Duration.ofMinutes(i));
      Double value =
          switch (cells[i]) {
            case "0" -> THRESHOLD - 10;
            case "X" -> THRESHOLD + 10;
            default -> null;
          };
      range.add(new PeriodDatapoint(start, value));
    }
    return range;
  }
}
