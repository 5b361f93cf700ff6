package io.tidewatch.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActionRecordCodecTest {

  private static final String TOPIC = "tw.actions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Codec<ActionRecord> CODEC = Codecs.ACTION_RECORD;

  private static ActionRecord record(Phase phase) {
    return new ActionRecord(
        "c0ffee-scale-web",
        "9f2c1e0a7b3d4c58a1e6f0b2d4c6e8a0",
        "web-cpu-high{host=web-1}",
        "scale-web",
        "kubernetes.scale",
        phase,
        2,
        Instant.parse("2024-05-01T12:05:01.125Z"),
        Map.of("target", "deployment/web", "replicas", "6"));
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void shouldRoundTripWhenEncodedAndDecoded(Phase phase) {
    ActionRecord record = record(phase);

    assertThat(CODEC.decode(TOPIC, CODEC.encode(record))).isEqualTo(record);
  }

  @Test
  void shouldWriteReadableJsonWhenEncoded() throws IOException {
    JsonNode json = JSON.readTree(CODEC.encode(record(Phase.DUPLICATE_SKIPPED)));

    assertThat(json.path("actionKey").asText()).isEqualTo("c0ffee-scale-web");
    assertThat(json.path("transitionId").asText()).isEqualTo("9f2c1e0a7b3d4c58a1e6f0b2d4c6e8a0");
    assertThat(json.path("phase").asText()).isEqualTo("DUPLICATE_SKIPPED");
    assertThat(json.path("attempt").asInt()).isEqualTo(2);
    assertThat(json.path("timestamp").isTextual()).as("ISO-8601 string").isTrue();
    assertThat(json.path("timestamp").asText()).isEqualTo("2024-05-01T12:05:01.125Z");
    assertThat(json.path("detail").path("replicas").asText()).isEqualTo("6");
  }

  @Test
  void shouldOmitNullsAndDefaultDetailWhenOptionalPartsAreAbsent() throws IOException {
    ActionRecord record =
        new ActionRecord("k-1", null, null, null, null, Phase.REQUESTED, 0, null, null);

    byte[] bytes = CODEC.encode(record);
    JsonNode json = JSON.readTree(bytes);

    assertThat(json.has("transitionId")).isFalse();
    assertThat(json.has("timestamp")).isFalse();
    assertThat(json.path("detail").isObject()).isTrue();
    assertThat(json.path("detail").isEmpty()).isTrue();
    assertThat(CODEC.decode(TOPIC, bytes)).isEqualTo(record);
  }

  @Test
  void shouldRefuseRecordWhenActionKeyIsMissing() {
    byte[] bytes = "{\"phase\":\"REQUESTED\",\"attempt\":1}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> CODEC.decode(TOPIC, bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("malformed record on " + TOPIC + ": ")
        .hasMessageContaining("actionKey");
  }

  @Test
  void shouldRefuseRecordWhenPhaseIsUnknown() {
    byte[] bytes =
        "{\"actionKey\":\"k\",\"phase\":\"HALF_DONE\",\"attempt\":1}"
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> CODEC.decode(TOPIC, bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining(TOPIC)
        .hasMessageContaining("HALF_DONE");
  }

  @Test
  void shouldRefuseRecordWhenAttemptIsMissing() {
    byte[] bytes = "{\"actionKey\":\"k\",\"phase\":\"REQUESTED\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> CODEC.decode(TOPIC, bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining(TOPIC)
        .hasMessageContaining("int");
  }

  @Test
  void shouldCopyDetailWhenCallerMutatesTheMap() {
    Map<String, String> detail = new java.util.HashMap<>(Map.of("target", "a"));
    ActionRecord record =
        new ActionRecord("k", null, null, null, null, Phase.REQUESTED, 0, null, detail);

    detail.put("target", "b");

    assertThat(record.detail()).containsExactly(Map.entry("target", "a"));
  }
}
