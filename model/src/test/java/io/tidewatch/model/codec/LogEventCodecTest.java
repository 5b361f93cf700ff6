package io.tidewatch.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.proto.FieldValue;
import io.tidewatch.model.proto.LogEventMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogEventCodecTest {

  private static final String TOPIC = "tw.logs";
  private static final Codec<LogEvent> CODEC = Codecs.LOG_EVENT;
  private static final Instant EVENT_TIME = Instant.parse("2024-04-03T08:15:30.250Z");
  private static final Instant INGEST_TIME = Instant.parse("2024-05-01T12:00:00.001Z");

  private static Map<String, Object> accessLogFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("remote_addr", "203.0.113.7");
    fields.put("method", "GET");
    fields.put("path", "/checkout?id=42");
    fields.put("status", 200L);
    fields.put("bytes_sent", 5123L);
    fields.put("request_time", 0.043);
    fields.put("upstream_time", 3.0);
    fields.put("ssl", true);
    fields.put("cached", false);
    fields.put("http_referer", null);
    fields.put("user", "");
    fields.put("offset", Long.MIN_VALUE);
    fields.put("skew", -0.5);
    return fields;
  }

  @Test
  void shouldRoundTripEveryFieldTypeWhenEncodedAndDecoded() {
    LogEvent event =
        new LogEvent(
            EVENT_TIME,
            INGEST_TIME,
            "/nginx/access",
            "web-1",
            "203.0.113.7 - - [03/Apr/2024:08:15:30 +0000] \"GET /checkout?id=42 HTTP/1.1\" 200 5123",
            accessLogFields(),
            null);

    LogEvent decoded = CODEC.decode(TOPIC, CODEC.encode(event));

    assertThat(decoded).isEqualTo(event);
    assertThat(decoded.parseError()).isNull();
  }

  @Test
  void shouldKeepJavaTypesOfFieldsWhenDecoded() {
    LogEvent event =
        new LogEvent(
            EVENT_TIME, INGEST_TIME, "/nginx/access", "web-1", "", accessLogFields(), null);

    Map<String, Object> fields = CODEC.decode(TOPIC, CODEC.encode(event)).fields();

    assertThat(fields.get("status")).isInstanceOf(Long.class).isEqualTo(200L);
    assertThat(fields.get("upstream_time"))
        .as("a whole double stays a double, never becomes a long")
        .isInstanceOf(Double.class)
        .isEqualTo(3.0);
    assertThat(fields.get("request_time")).isInstanceOf(Double.class).isEqualTo(0.043);
    assertThat(fields.get("ssl")).isEqualTo(Boolean.TRUE);
    assertThat(fields.get("cached")).isEqualTo(Boolean.FALSE);
    assertThat(fields.get("user")).as("empty string is not null").isEqualTo("");
    assertThat(fields)
        .as("an absent value stays null, never 0 or empty")
        .containsKey("http_referer")
        .containsEntry("http_referer", null);
    assertThat(fields.get("offset")).isEqualTo(Long.MIN_VALUE);
    assertThat(fields).hasSameSizeAs(accessLogFields());
  }

  @Test
  void shouldKeepRawMessageAndParseErrorWhenLineCouldNotBeParsed() {
    String raw = "\u0000garbage\r\nwith ünïcödé and a tab\t";
    LogEvent event =
        new LogEvent(
            EVENT_TIME,
            INGEST_TIME,
            "/nginx/access",
            "web-1",
            raw,
            Map.of(),
            "expected '[' at column 17");

    LogEvent decoded = CODEC.decode(TOPIC, CODEC.encode(event));

    assertThat(decoded).isEqualTo(event);
    assertThat(decoded.message()).isEqualTo(raw);
    assertThat(decoded.parseError()).isEqualTo("expected '[' at column 17");
    assertThat(decoded.fields()).isEmpty();
  }

  @Test
  void shouldKeepEventTimeAndIngestTimeApartWhenEventIsBackdated() {
    LogEvent event =
        new LogEvent(EVENT_TIME, INGEST_TIME, "/vpc/flow", "eni-1", "x", Map.of(), null);

    LogEvent decoded = CODEC.decode(TOPIC, CODEC.encode(event));

    assertThat(decoded.timestamp()).isEqualTo(EVENT_TIME);
    assertThat(decoded.ingestTime()).isEqualTo(INGEST_TIME);
    assertThat(decoded.key()).isEqualTo("/vpc/flow|eni-1");
  }

  @Test
  void shouldReadUnsetFieldValueAsNullWhenWriterSentNoKind() {
    byte[] bytes =
        LogEventMessage.newBuilder()
            .setLogGroup("/app")
            .putFields("ghost", FieldValue.getDefaultInstance())
            .build()
            .toByteArray();

    assertThat(CODEC.decode(TOPIC, bytes).fields()).containsEntry("ghost", null);
  }

  @Test
  void shouldRenderFieldsWithTheirJsonTypesWhenToJsonIsAsked() throws IOException {
    LogEvent event =
        new LogEvent(
            EVENT_TIME, INGEST_TIME, "/nginx/access", "web-1", "m", accessLogFields(), null);

    JsonNode json = new ObjectMapper().readTree(CODEC.toJson(event));

    assertThat(json.path("timestamp").asText()).isEqualTo("2024-04-03T08:15:30.250Z");
    assertThat(json.path("fields").path("status").isIntegralNumber()).isTrue();
    assertThat(json.path("fields").path("request_time").isDouble()).isTrue();
    assertThat(json.path("fields").path("ssl").isBoolean()).isTrue();
    assertThat(json.path("fields").path("http_referer").isNull()).isTrue();
  }

  @Test
  void shouldRefuseEventNamingTopicWhenBytesAreEmpty() {
    assertThatThrownBy(() -> CODEC.decode(TOPIC, new byte[0]))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining(TOPIC);
  }
}
