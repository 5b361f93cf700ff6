package io.tidewatch.model.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.alarm.AlarmStateChange.Configuration;
import io.tidewatch.model.alarm.AlarmStateChange.Detail;
import io.tidewatch.model.alarm.AlarmStateChange.State;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlarmStateChangeCodecTest {

  private static final String TOPIC = "tw.alarm-events";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Codec<AlarmStateChange> CODEC = Codecs.ALARM_STATE_CHANGE;

  /** The event of the golden file, built through the public API. */
  static AlarmStateChange sample() {
    Detail detail =
        new Detail(
            "web-cpu-high",
            "web-cpu-high{host=web-1}",
            Map.of("host", "web-1"),
            new State(
                AlarmState.ALARM,
                "Threshold Crossed: 3 out of the last 3 datapoints [95.5 (01/05/24 12:04:00), 93.0"
                    + " (01/05/24 12:03:00), 91.25 (01/05/24 12:02:00)] were greater than the"
                    + " threshold (80.0) (minimum 3 datapoints for OK -> ALARM transition).",
                "{\"version\":\"1.0\",\"queryDate\":\"2024-05-01T12:05:00.000+0000\","
                    + "\"statistic\":\"Average\",\"period\":60,"
                    + "\"recentDatapoints\":[91.25,93.0,95.5],\"threshold\":80.0}",
                Instant.parse("2024-05-01T12:05:00Z")),
            new State(
                AlarmState.OK,
                "Threshold Crossed: 3 out of the last 3 datapoints were not greater than the"
                    + " threshold (80.0).",
                null,
                Instant.parse("2024-05-01T09:41:00Z")),
            new Configuration(
                "CPU of a web host above 80% for 3 minutes",
                "AWS/EC2",
                "CPUUtilization",
                Map.of("AutoScalingGroupName", "web"),
                "Average",
                60,
                3,
                3,
                "GreaterThanThreshold",
                80.0,
                "missing"),
            Map.of("team", "web", "severity", "page"),
            "https://runbooks.example.com/web-cpu-high");
    return AlarmStateChange.of(
        "9f2c1e0a7b3d4c58a1e6f0b2d4c6e8a0", Instant.parse("2024-05-01T12:05:00Z"), detail);
  }

  static JsonNode golden() throws IOException {
    try (InputStream in =
        AlarmStateChangeCodecTest.class.getResourceAsStream("/golden/alarm-state-change.json")) {
      assertThat(in).as("golden/alarm-state-change.json on the test classpath").isNotNull();
      return JSON.readTree(in);
    }
  }

  @Test
  void shouldMatchGoldenFileWhenEncoded() throws IOException {
    JsonNode encoded = JSON.readTree(CODEC.encode(sample()));

    assertThat(encoded).isEqualTo(golden());
  }

  @Test
  void shouldCarryCloudWatchEnvelopeWhenEncoded() throws IOException {
    JsonNode event = JSON.readTree(CODEC.encode(sample()));

    assertThat(event.path("version").asText()).isEqualTo("0");
    assertThat(event.path("id").asText()).isEqualTo("9f2c1e0a7b3d4c58a1e6f0b2d4c6e8a0");
    assertThat(event.path("detail-type").asText()).isEqualTo("CloudWatch Alarm State Change");
    assertThat(event.has("detailType")).as("Java name must not leak into the JSON").isFalse();
    assertThat(event.path("source").asText()).isEqualTo("tidewatch");
    assertThat(event.path("time").isTextual()).as("time is an ISO-8601 string").isTrue();
    assertThat(Instant.parse(event.path("time").asText()))
        .isEqualTo(Instant.parse("2024-05-01T12:05:00Z"));
    assertThat(event.path("resources").isArray()).isTrue();
    assertThat(event.path("resources")).hasSize(1);
    assertThat(event.path("resources").get(0).asText()).isEqualTo("web-cpu-high{host=web-1}");
    JsonNode detail = event.path("detail");
    assertThat(detail.path("alarmName").asText()).isEqualTo("web-cpu-high");
    assertThat(detail.path("state").path("value").asText()).isEqualTo("ALARM");
    assertThat(detail.path("state").path("timestamp").isTextual()).isTrue();
    assertThat(detail.path("previousState").isObject()).isTrue();
    assertThat(detail.path("previousState").path("value").asText()).isEqualTo("OK");
    assertThat(detail.path("state").path("reasonData").isTextual())
        .as("reasonData is a JSON document carried as a string, as CloudWatch sends it")
        .isTrue();
  }

  @Test
  void shouldDecodeGoldenFileIntoSameEventWhenRead() throws IOException {
    byte[] golden = JSON.writeValueAsBytes(golden());

    assertThat(CODEC.decode(TOPIC, golden)).isEqualTo(sample());
  }

  @Test
  void shouldRoundTripWhenEncodedAndDecoded() {
    AlarmStateChange event = sample();

    AlarmStateChange decoded = CODEC.decode(TOPIC, CODEC.encode(event));

    assertThat(decoded).isEqualTo(event);
    assertThat(decoded.alarmInstance()).isEqualTo("web-cpu-high{host=web-1}");
  }

  @Test
  void shouldKeepSubSecondTimeWhenTimeHasMillis() throws IOException {
    Instant time = Instant.parse("2024-05-01T12:05:00.250Z");
    AlarmStateChange event = AlarmStateChange.of("t-1", time, sample().detail());

    byte[] bytes = CODEC.encode(event);

    assertThat(JSON.readTree(bytes).path("time").asText()).isEqualTo("2024-05-01T12:05:00.250Z");
    assertThat(CODEC.decode(TOPIC, bytes).time()).isEqualTo(time);
  }

  @Test
  void shouldOmitAbsentPartsWhenFirstTransitionHasNoPreviousState() throws IOException {
    Detail detail =
        new Detail(
            "disk-full",
            "disk-full",
            null,
            new State(
                AlarmState.INSUFFICIENT_DATA, "Unchecked: Initial alarm creation", null, null),
            null,
            null,
            null,
            null);
    AlarmStateChange event =
        AlarmStateChange.of("t-0", Instant.parse("2024-05-01T00:00:00Z"), detail);

    JsonNode json = JSON.readTree(CODEC.encode(event));

    assertThat(json.path("detail").has("previousState")).isFalse();
    assertThat(json.path("detail").has("configuration")).isFalse();
    assertThat(json.path("detail").has("runbook")).isFalse();
    assertThat(json.path("detail").path("state").path("value").asText())
        .isEqualTo("INSUFFICIENT_DATA");
    assertThat(json.path("detail").path("instance").isEmpty()).isTrue();
    assertThat(CODEC.decode(TOPIC, CODEC.encode(event))).isEqualTo(event);
  }

  @Test
  void shouldIgnoreUnknownFieldsWhenProducerIsNewer() throws IOException {
    ObjectNode json = (ObjectNode) golden();
    json.put("region", "eu-west-1");
    ((ObjectNode) json.path("detail")).put("addedLater", true);

    AlarmStateChange decoded = CODEC.decode(TOPIC, JSON.writeValueAsBytes(json));

    assertThat(decoded).isEqualTo(sample());
  }

  @Test
  void shouldRefuseEventNamingTopicWhenIdIsMissing() throws IOException {
    ObjectNode json = (ObjectNode) golden();
    json.remove("id");

    assertThatThrownBy(() -> CODEC.decode(TOPIC, JSON.writeValueAsBytes(json)))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("malformed record on " + TOPIC + ": ")
        .hasMessageContaining("AlarmStateChange")
        .hasMessageContaining("id");
  }

  @Test
  void shouldRefuseEventWhenStateValueIsUnknown() throws IOException {
    ObjectNode json = (ObjectNode) golden();
    ((ObjectNode) json.path("detail").path("state")).put("value", "ON_FIRE");

    assertThatThrownBy(() -> CODEC.decode(TOPIC, JSON.writeValueAsBytes(json)))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining(TOPIC)
        .hasMessageContaining("ON_FIRE");
  }

  @Test
  void shouldRenderOneLineOfSameJsonWhenToJsonIsAsked() throws IOException {
    String line = CODEC.toJson(sample());

    assertThat(line).doesNotContain("\n");
    assertThat(JSON.readTree(line)).isEqualTo(golden());
    assertThat(new String(CODEC.encode(sample()), UTF_8)).isEqualTo(line);
  }

  @Test
  void shouldCopyResourcesWhenConstructed() {
    List<String> resources = new java.util.ArrayList<>(List.of("a"));
    AlarmStateChange event =
        new AlarmStateChange(
            "0",
            "t",
            AlarmStateChange.DETAIL_TYPE,
            "tidewatch",
            null,
            resources,
            sample().detail());

    resources.add("b");

    assertThat(event.resources()).containsExactly("a");
  }
}
