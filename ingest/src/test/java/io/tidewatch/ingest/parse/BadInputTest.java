package io.tidewatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The byte and string boundary in front of every format (RELIABILITY.md item 13): NUL, invalid
 * UTF-8, control characters, CRLF, blank and over-long lines (10 MB, 50 MB) are rejected by reason,
 * without an exception and without decoding what is refused.
 */
class BadInputTest {

  private static final String COMBINED_LINE =
      "203.0.113.7 - - [02/Jul/2018:22:23:00 +0000] \"GET /index.html HTTP/1.1\" 200 612 \"-\""
          + " \"curl/7.46.0\"";

  static Stream<LogParser> parsers() {
    return LogFormats.NAMES.stream().map(name -> LogFormats.parser(name, Optional.empty()));
  }

  private static LogParser nginx() {
    return LogFormats.parser(LogFormats.NGINX, Optional.empty());
  }

  private static RejectReason reason(ParseResult result) {
    assertThat(result).as("%s", result).isInstanceOf(Rejected.class);
    return ((Rejected) result).reason();
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void shouldRejectNulWhenLineHoldsANulByte(LogParser parser) {
    String line = COMBINED_LINE.replace("curl", "cu\0rl");
    assertThat(reason(parser.parse(line))).isEqualTo(RejectReason.NUL);
    assertThat(reason(parser.parse(line.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(RejectReason.NUL);
    assertThat(reason(parser.parse(new byte[] {0}))).isEqualTo(RejectReason.NUL);
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void shouldRejectInvalidUtf8WhenBytesAreMalformed(LogParser parser) {
    byte[][] malformed = {
      {(byte) 0x80}, // a continuation byte alone
      {'a', (byte) 0xC0, (byte) 0xAF}, // overlong '/'
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong 3-byte
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {'x', (byte) 0xE2, (byte) 0x82}, // cut before its last byte
      {(byte) 0xFF, (byte) 0xFE, 'a'},
      {'a', (byte) 0xC3, 'b'}, // a lead byte without its continuation
    };
    for (byte[] bytes : malformed) {
      byte[] line = concat(COMBINED_LINE.getBytes(StandardCharsets.UTF_8), bytes);
      assertThat(reason(parser.parse(line)))
          .as(Arrays.toString(bytes))
          .isEqualTo(RejectReason.INVALID_UTF8);
      assertThat(((Rejected) parser.parse(line)).detail()).contains("byte");
    }
  }

  @Test
  void shouldParseMultiByteUtf8WhenItIsValid() {
    String line = COMBINED_LINE.replace("curl/7.46.0", "Agent é 漢字 \uD83D\uDE00");
    ParseResult result = nginx().parse(line.getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOf(Parsed.class);
    assertThat(((Parsed) result).fields()).containsEntry("userAgent", "Agent é 漢字 \uD83D\uDE00");
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void shouldRejectUnpairedSurrogateWhenStringCannotBeUtf8(LogParser parser) {
    assertThat(reason(parser.parse("abc \uD800 def"))).isEqualTo(RejectReason.INVALID_UTF8);
    assertThat(reason(parser.parse("abc \uDC00"))).isEqualTo(RejectReason.INVALID_UTF8);
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void shouldRejectBinaryWhenLineHoldsControlCharacters(LogParser parser) {
    for (char control : new char[] {0x01, 0x07, 0x08, 0x0B, 0x0C, 0x1F, 0x7F, '\r', '\n'}) {
      String line = "abc" + control + "def";
      assertThat(reason(parser.parse(line)))
          .as("0x%02X", (int) control)
          .isEqualTo(RejectReason.BINARY);
      assertThat(reason(parser.parse(line.getBytes(StandardCharsets.UTF_8))))
          .isEqualTo(RejectReason.BINARY);
    }
  }

  @Test
  void shouldKeepTabsAndAnsiColoursWhenLineIsRaw() {
    LogParser raw = LogFormats.parser(LogFormats.RAW, Optional.empty());
    assertThat(raw.parse("a\tb \u001b[31mred\u001b[0m")).isInstanceOf(Parsed.class);
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void shouldRejectEmptyWhenLineIsBlank(LogParser parser) {
    for (String line : new String[] {"", " ", "\t \t", "\r\n", "\n", "\r"}) {
      assertThat(reason(parser.parse(line))).as("'%s'", line).isEqualTo(RejectReason.EMPTY);
      assertThat(reason(parser.parse(line.getBytes(StandardCharsets.UTF_8))))
          .isEqualTo(RejectReason.EMPTY);
    }
    assertThat(reason(parser.parse((String) null))).isEqualTo(RejectReason.EMPTY);
    assertThat(reason(parser.parse((byte[]) null))).isEqualTo(RejectReason.EMPTY);
  }

  @Test
  void shouldStripOneTrailingCrWhenLineEndsWithCrLf() {
    LogParser parser = nginx();
    ParseResult plain = parser.parse(COMBINED_LINE);
    assertThat(parser.parse(COMBINED_LINE + "\r")).isEqualTo(plain);
    assertThat(parser.parse(COMBINED_LINE + "\r\n")).isEqualTo(plain);
    assertThat(parser.parse((COMBINED_LINE + "\r\n").getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(plain);
    assertThat(reason(parser.parse(COMBINED_LINE + "\r\r\n"))).isEqualTo(RejectReason.BINARY);
    assertThat(reason(parser.parse("abc\r\ndef"))).isEqualTo(RejectReason.BINARY);
  }

  @ParameterizedTest
  @MethodSource("parsers")
  void shouldRejectTooLongWhenLineIs10MbOr50Mb(LogParser parser) {
    for (int megabytes : new int[] {10, 50}) {
      byte[] bytes = new byte[megabytes << 20];
      Arrays.fill(bytes, (byte) 'a');
      Rejected rejected = (Rejected) parser.parse(bytes);
      assertThat(rejected.reason()).isEqualTo(RejectReason.TOO_LONG);
      assertThat(rejected.detail()).contains(Integer.toString(bytes.length)).contains("262144");

      // The limit is checked before the content: even a binary 50 MB line is TOO_LONG.
      bytes[1000] = 0;
      assertThat(reason(parser.parse(bytes))).isEqualTo(RejectReason.TOO_LONG);
    }
    String huge = COMBINED_LINE.replace("curl/7.46.0", "x".repeat(10 << 20));
    assertThat(reason(parser.parse(huge))).isEqualTo(RejectReason.TOO_LONG);
  }

  @Test
  void shouldParseA10MbLineWhenTheLimitAllowsIt() {
    LogParser parser = LogFormats.parser(LogFormats.NGINX, Optional.empty(), 64 << 20);
    String agent = "x".repeat(10 << 20);
    String line = COMBINED_LINE.replace("curl/7.46.0", agent);
    ParseResult result = parser.parse(line.getBytes(StandardCharsets.UTF_8));
    assertThat(result).isInstanceOf(Parsed.class);
    assertThat(((Parsed) result).fields().get("userAgent")).isEqualTo(agent);
    assertThat(((Parsed) result).fields().get("status")).isEqualTo(200L);
  }

  @Test
  void shouldRejectAtTheConfiguredLimitWhenLineIsOneByteLonger() {
    LogParser parser = LogFormats.parser(LogFormats.RAW, Optional.empty(), 10);
    assertThat(parser.parse("0123456789")).isInstanceOf(Parsed.class);
    assertThat(parser.parse("0123456789\r\n")).isInstanceOf(Parsed.class);
    assertThat(reason(parser.parse("0123456789A"))).isEqualTo(RejectReason.TOO_LONG);
    assertThat(reason(parser.parse("0123456789A".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(RejectReason.TOO_LONG);
    assertThat(parser.parse("0123456789\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(Parsed.class);
  }

  @Test
  void shouldParseASliceWhenGivenABufferOffsetAndLength() {
    byte[] buffer = ("garbage\0" + COMBINED_LINE + "\n\0more").getBytes(StandardCharsets.UTF_8);
    int offset = "garbage\0".length();
    int length = COMBINED_LINE.length() + 1;
    assertThat(nginx().parse(buffer, offset, length)).isEqualTo(nginx().parse(COMBINED_LINE));
    assertThat(new LineDecoder(100).parse(nginx(), buffer, offset, length).isParsed()).isTrue();
    assertThat(reason(new LineDecoder(50).parse(nginx(), buffer, offset, length)))
        .isEqualTo(RejectReason.TOO_LONG);
    assertThatThrownBy(() -> nginx().parse(buffer, offset, buffer.length))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void shouldUseTheDecoderBoundaryWhenAParserIsWrittenOutsideThePackage() {
    LogParser throwing =
        line -> {
          throw new IllegalStateException("bug in a third-party parser");
        };
    assertThat(reason(throwing.parse(new byte[] {'a', 0}))).isEqualTo(RejectReason.NUL);
    assertThat(reason(throwing.parse("ok".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(RejectReason.INTERNAL_ERROR);
  }

  @Test
  void shouldRejectDeepJsonWhenNestingIsAbsurd() {
    LogParser json = LogFormats.parser(LogFormats.JSON, Optional.empty());
    String deep = "{\"a\":".repeat(40_000) + "1" + "}".repeat(40_000); // within 256 KiB
    assertThat(reason(json.parse(deep))).isEqualTo(RejectReason.INVALID_JSON);
    String deepArrays = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThat(reason(json.parse(deepArrays))).isEqualTo(RejectReason.INVALID_JSON);
  }

  @Test
  void shouldKeepDeepObjectsAsTextWhenDeeperThanTheFlattenLimit() {
    LogParser json = LogFormats.parser(LogFormats.JSON, Optional.empty());
    String line = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
    Parsed parsed = (Parsed) json.parse(line);
    assertThat(parsed.fields()).hasSize(1);
    String key = String.join(".", java.util.Collections.nCopies(16, "a"));
    assertThat(parsed.fields().get(key)).isEqualTo("{\"a\":{\"a\":{\"a\":{\"a\":1}}}}");
  }

  @Test
  void shouldRejectTooManyFieldsWhenJsonFlattensIntoThousands() {
    LogParser json = LogFormats.parser(LogFormats.JSON, Optional.empty());
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 2000; i++) {
      many.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
    }
    assertThat(reason(json.parse(many.append('}').toString())))
        .isEqualTo(RejectReason.TOO_MANY_FIELDS);

    // A long key repeated under many children would flatten into gigabytes of names.
    String longKey = "k".repeat(40_000);
    StringBuilder children = new StringBuilder("{\"" + longKey + "\":{");
    for (int i = 0; i < 500; i++) {
      children.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":1");
    }
    assertThat(reason(json.parse(children.append("}}").toString())))
        .isEqualTo(RejectReason.TOO_MANY_FIELDS);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
