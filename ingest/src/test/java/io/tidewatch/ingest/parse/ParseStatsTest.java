package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Counting what parsers made of their lines: "parsed N, rejected M by reason". */
class ParseStatsTest {

  @Test
  void shouldCountParsedRejectedAndNoDataWhenFlowLogsArrive() {
    LogParser parser = LogFormats.parser("vpc-flow", Optional.empty());
    ParseStats stats = new ParseStats();
    String[] lines = {
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
      "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
      "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
      "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139",
      "2 123456789010 eni-1235b8ca123456789 - - x - - - - 1431280876 1431280934 - OK",
      "",
      "a\u0000b",
    };
    for (String line : lines) {
      stats.record(parser.parse(line));
    }
    assertThat(stats.parsed()).isEqualTo(4);
    assertThat(stats.noData()).isEqualTo(1);
    assertThat(stats.skipData()).isEqualTo(2);
    assertThat(stats.rejected()).isEqualTo(5);
    assertThat(stats.rejected(RejectReason.WRONG_FIELD_COUNT)).isEqualTo(1);
    Map<RejectReason, Long> expected = new EnumMap<>(RejectReason.class);
    expected.put(RejectReason.EMPTY, 1L);
    expected.put(RejectReason.NUL, 1L);
    expected.put(RejectReason.HEADER, 1L);
    expected.put(RejectReason.WRONG_FIELD_COUNT, 1L);
    expected.put(RejectReason.BAD_FIELD, 1L);
    assertThat(stats.rejectedByReason()).containsExactlyEntriesOf(expected);
    assertThat(stats.summary())
        .isEqualTo(
            "parsed 4, rejected 5 (EMPTY 1, NUL 1, HEADER 1, WRONG_FIELD_COUNT 1, BAD_FIELD 1),"
                + " NODATA 1, SKIPDATA 2");
  }

  @Test
  void shouldCountEveryResultWhenManyThreadsRecordAtOnce() {
    LogParser parser = LogFormats.parser("raw", Optional.empty());
    ParseStats stats = new ParseStats();
    IntStream.range(0, 200_000)
        .parallel()
        .forEach(i -> stats.record(parser.parse(i % 4 == 0 ? "" : "line " + i)));
    assertThat(stats.parsed()).isEqualTo(150_000);
    assertThat(stats.rejected(RejectReason.EMPTY)).isEqualTo(50_000);
    assertThat(stats.summary()).isEqualTo("parsed 150000, rejected 50000 (EMPTY 50000)");
  }
}
