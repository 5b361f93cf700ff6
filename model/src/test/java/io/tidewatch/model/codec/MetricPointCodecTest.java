package io.tidewatch.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.proto.MetricPointMessage;
import io.tidewatch.model.proto.StatisticSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricPointCodecTest {

  private static final String TOPIC = "tw.metrics";
  private static final Codec<MetricPoint> CODEC = Codecs.METRIC_POINT;
  private static final Instant T = Instant.parse("2024-05-01T12:04:00.123Z");

  private static MetricPoint point(Map<String, String> dimensions, double value) {
    return new MetricPoint(SeriesId.of("AWS/EC2", "CPUUtilization", dimensions), T, value, "%");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, 42.5, -17.25, Double.MAX_VALUE, Double.MIN_VALUE, 1e-300})
  void shouldRoundTripWhenEncodedAndDecoded(double value) {
    MetricPoint point = point(Map.of("InstanceId", "i-0abc", "AutoScalingGroupName", "web"), value);

    MetricPoint decoded = CODEC.decode(TOPIC, CODEC.encode(point));

    assertThat(decoded).isEqualTo(point);
    assertThat(Double.doubleToRawLongBits(decoded.value()))
        .as("bit-exact value, sign of zero included")
        .isEqualTo(Double.doubleToRawLongBits(value));
  }

  @Test
  void shouldRoundTripWhenSeriesHasNoDimensionsAndNoUnit() {
    MetricPoint point =
        new MetricPoint(SeriesId.of("", "heartbeat", Map.of()), Instant.EPOCH, 1.0, null);

    assertThat(CODEC.decode(TOPIC, CODEC.encode(point))).isEqualTo(point);
  }

  @Test
  void shouldWriteSameBytesAndKeyWhenDimensionsArriveInAnotherOrder() {
    Map<String, String> forward = new LinkedHashMap<>();
    forward.put("zone", "eu-west-1a");
    forward.put("host", "web-1");
    forward.put("app", "checkout");
    Map<String, String> backward = new LinkedHashMap<>();
    backward.put("app", "checkout");
    backward.put("host", "web-1");
    backward.put("zone", "eu-west-1a");

    byte[] first = CODEC.encode(point(forward, 1.0));
    byte[] second = CODEC.encode(point(backward, 1.0));

    assertThat(first).isEqualTo(second);
    assertThat(CODEC.decode(TOPIC, first).series().key())
        .isEqualTo(CODEC.decode(TOPIC, second).series().key())
        .isEqualTo("AWS/EC2/CPUUtilization{app=checkout,host=web-1,zone=eu-west-1a}");
  }

  @Test
  void shouldKeepSeriesKeyStableWhenPointTravelsThroughTheWire() {
    MetricPoint point = point(Map.of("b", "2", "a", "1"), 3.0);

    MetricPoint decoded = CODEC.decode(TOPIC, CODEC.encode(point));

    assertThat(decoded.series().key())
        .isEqualTo(point.series().key())
        .isEqualTo("AWS/EC2/CPUUtilization{a=1,b=2}");
    assertThat(decoded.series()).isEqualTo(point.series());
  }

  @Test
  void shouldReadFieldNumbersOfTheContractWhenBytesAreWrittenByHand() throws IOException {
    ByteArrayOutputStream entryBytes = new ByteArrayOutputStream();
    CodedOutputStream entry = CodedOutputStream.newInstance(entryBytes);
    entry.writeString(1, "host");
    entry.writeString(2, "web-1");
    entry.flush();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "App");
    out.writeString(2, "latency");
    out.writeByteArray(3, entryBytes.toByteArray());
    out.writeInt64(4, T.toEpochMilli());
    out.writeDouble(5, 12.5);
    out.writeString(6, "ms");
    out.flush();

    MetricPoint decoded = CODEC.decode(TOPIC, bytes.toByteArray());

    assertThat(decoded)
        .isEqualTo(
            new MetricPoint(SeriesId.of("App", "latency", Map.of("host", "web-1")), T, 12.5, "ms"));
  }

  @Test
  void shouldKeepMillisecondsOnlyWhenTimestampHasNanos() {
    MetricPoint point =
        new MetricPoint(
            SeriesId.of("App", "latency", Map.of()),
            Instant.parse("2024-05-01T12:04:00.123456789Z"),
            1.0,
            "ms");

    assertThat(CODEC.decode(TOPIC, CODEC.encode(point)).timestamp())
        .isEqualTo(Instant.parse("2024-05-01T12:04:00.123Z"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void shouldRefusePointNamingTopicWhenWireValueIsNotFinite(double value) {
    byte[] bytes =
        MetricPointMessage.newBuilder()
            .setNamespace("App")
            .setName("latency")
            .setTimestampMillis(T.toEpochMilli())
            .setValue(value)
            .build()
            .toByteArray();

    assertThatThrownBy(() -> CODEC.decode(TOPIC, bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("malformed record on " + TOPIC + ": ")
        .hasMessageContaining("finite");
  }

  @Test
  void shouldRefusePointNamingTopicWhenWireNameIsEmpty() {
    byte[] bytes =
        MetricPointMessage.newBuilder().setNamespace("App").setValue(1).build().toByteArray();

    assertThatThrownBy(() -> CODEC.decode(TOPIC, bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining(TOPIC)
        .hasMessageContaining("metric name must not be empty");
  }

  @Test
  void shouldPassTombstonesThroughWhenUsedAsKafkaSerde() {
    Serde<MetricPoint> serde = CODEC.serde();
    MetricPoint point = point(Map.of("host", "a"), 7.0);

    byte[] bytes = serde.serializer().serialize(TOPIC, point);

    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(point);
    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
    assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
  }

  @Test
  void shouldRenderIsoTimestampWhenToJsonIsAsked() throws IOException {
    JsonNode json = new ObjectMapper().readTree(CODEC.toJson(point(Map.of("host", "a"), 42.5)));

    assertThat(json.path("timestamp").asText()).isEqualTo("2024-05-01T12:04:00.123Z");
    assertThat(json.path("value").asDouble()).isEqualTo(42.5);
    assertThat(json.path("unit").asText()).isEqualTo("%");
    assertThat(json.path("series").path("namespace").asText()).isEqualTo("AWS/EC2");
    assertThat(json.path("series").path("dimensions").path("host").asText()).isEqualTo("a");
  }

  @Test
  void shouldRoundTripStatisticSetAndSketchWhenPointIsADistribution() {
    Distribution distribution = new Distribution(40, 1000.0, 2.5, 180.0, new byte[] {2, 42, 7});
    MetricPoint point =
        MetricPoint.ofDistribution(
            SeriesId.of("App", "latency", Map.of("host", "web-1")), T, distribution, "ms");

    MetricPoint decoded = CODEC.decode(TOPIC, CODEC.encode(point));

    assertThat(decoded).isEqualTo(point);
    assertThat(decoded.distribution()).isEqualTo(distribution);
    assertThat(decoded.value()).isEqualTo(25.0);
  }

  @Test
  void shouldKeepPlainPointBytesUnchangedWhenNoDistributionIsSet() {
    MetricPoint point = point(Map.of("host", "a"), 7.0);

    MetricPointMessage message = parse(CODEC.encode(point));

    assertThat(message.hasStatistics()).isFalse();
    assertThat(CODEC.decode(TOPIC, CODEC.encode(point)).distribution()).isNull();
  }

  @Test
  void shouldRefuseDistributionWithoutSamplesWhenDecoding() {
    byte[] bytes =
        MetricPointMessage.newBuilder()
            .setNamespace("App")
            .setName("latency")
            .setStatistics(StatisticSet.newBuilder().setCount(0))
            .build()
            .toByteArray();

    assertThatThrownBy(() -> CODEC.decode(TOPIC, bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("at least one sample");
  }

  private static MetricPointMessage parse(byte[] bytes) {
    try {
      return MetricPointMessage.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldLeaveDistributionOutOfJsonWhenPointIsPlain() throws IOException {
    JsonNode json = new ObjectMapper().readTree(CODEC.toJson(point(Map.of("host", "a"), 1.0)));

    assertThat(json.has("distribution")).isFalse();
  }

  @Test
  void shouldReadDimensionsEncodedAsAProtobufMapField() throws IOException {
    // map<string, string> dimensions = 3 on the wire: one length-delimited entry per dimension.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(2, "cpu");
    for (String[] entry : new String[][] {{"zone", "b"}, {"host", "a"}}) {
      ByteArrayOutputStream entryBytes = new ByteArrayOutputStream();
      CodedOutputStream entryOut = CodedOutputStream.newInstance(entryBytes);
      entryOut.writeString(1, entry[0]);
      entryOut.writeString(2, entry[1]);
      entryOut.flush();
      out.writeByteArray(3, entryBytes.toByteArray());
    }
    out.writeInt64(4, T.toEpochMilli());
    out.writeDouble(5, 1.5);
    out.flush();

    MetricPoint point = CODEC.decode(TOPIC, bytes.toByteArray());

    assertThat(point.series().dimensions())
        .containsExactly(Map.entry("host", "a"), Map.entry("zone", "b"));
    assertThat(point.value()).isEqualTo(1.5);
  }
}
