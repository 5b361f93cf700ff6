package io.tidewatch.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewatch.model.metric.Distribution;
import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.proto.MetricPointMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricBatchCodecTest {

  private static final String TOPIC = "tw.metrics";
  private static final Codec<MetricBatch> CODEC = Codecs.METRIC_BATCH;
  private static final Instant T = Instant.parse("2026-12-05T06:30:00Z");

  private static MetricPoint point(String host, double value) {
    return new MetricPoint(SeriesId.of("Host", "cpu", Map.of("host", host)), T, value, "%");
  }

  @Test
  void shouldWriteASinglePointExactlyAsThePointCodecDoes() {
    MetricPoint point = point("a", 12.5);

    byte[] bytes = CODEC.encode(MetricBatch.of(point));

    assertThat(bytes).isEqualTo(Codecs.METRIC_POINT.encode(point));
    assertThat(CODEC.decode(TOPIC, Codecs.METRIC_POINT.encode(point)))
        .isEqualTo(MetricBatch.of(point));
  }

  @Test
  void shouldRoundTripABatchWithPlainAndDistributionPointsInOrder() {
    MetricPoint distribution =
        MetricPoint.ofDistribution(
            SeriesId.of("App", "latency", Map.of()),
            T,
            new Distribution(3, 6.0, 1.0, 3.0, new byte[] {1, 2, 3}),
            "ms");
    MetricBatch batch = new MetricBatch(List.of(point("a", 1), distribution, point("b", 2)));

    assertThat(CODEC.decode(TOPIC, CODEC.encode(batch))).isEqualTo(batch);
  }

  @Test
  void shouldTellAReaderOfSinglePointsThatTheRecordIsABatch() {
    byte[] batch = CODEC.encode(new MetricBatch(List.of(point("a", 1), point("b", 2))));

    assertThatThrownBy(() -> Codecs.METRIC_POINT.decode(TOPIC, batch))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("a batch of 2 points")
        .hasMessageContaining("METRIC_BATCH");
  }

  @Test
  void shouldRejectARecordThatIsBothAPointAndABatchOrNestsBatches() {
    MetricPointMessage inner = MetricPointMessage.newBuilder().setName("cpu").build();
    byte[] both =
        MetricPointMessage.newBuilder().setName("cpu").addBatch(inner).build().toByteArray();
    byte[] nested =
        MetricPointMessage.newBuilder()
            .addBatch(MetricPointMessage.newBuilder().addBatch(inner))
            .build()
            .toByteArray();

    assertThatThrownBy(() -> CODEC.decode(TOPIC, both))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("both");
    assertThatThrownBy(() -> CODEC.decode(TOPIC, nested))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("nest");
  }

  @Test
  void shouldRenderABatchAsAJsonArrayOfItsPoints() throws Exception {
    MetricBatch batch = new MetricBatch(List.of(point("a", 1), point("b", 2)));

    JsonNode json = new ObjectMapper().readTree(CODEC.toJson(batch));

    assertThat(json.isArray()).isTrue();
    assertThat(json).hasSize(2);
    assertThat(json.get(1).get("value").asDouble()).isEqualTo(2.0);
    assertThat(new ObjectMapper().readTree(CODEC.toJson(MetricBatch.of(point("a", 1)))).isObject())
        .isTrue();
  }

  @Test
  void shouldRefuseAnEmptyBatch() {
    assertThatThrownBy(() -> new MetricBatch(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one point");
  }

  @Test
  void shouldWriteTheSameBytesAsTheGeneratedProtobufCode() {
    java.util.Random random = new java.util.Random(42);
    String[] texts = {"", "a", "web-1", "zone/eu", "é😀", "k=v,{x}", "x".repeat(300)};
    List<MetricPoint> points = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Map<String, String> dimensions = new java.util.HashMap<>();
      for (int d = random.nextInt(4); d > 0; d--) {
        dimensions.put(texts[random.nextInt(texts.length)], texts[random.nextInt(texts.length)]);
      }
      SeriesId series =
          SeriesId.of(texts[random.nextInt(texts.length)], "m" + random.nextInt(9), dimensions);
      Instant time = Instant.ofEpochMilli(random.nextBoolean() ? 0 : random.nextLong(1L << 42));
      double value = new double[] {0.0, -0.0, 1.5, -3e300, Double.MIN_VALUE}[random.nextInt(5)];
      String unit = texts[random.nextInt(3)];
      points.add(
          random.nextInt(4) == 0
              ? MetricPoint.ofDistribution(
                  series,
                  time,
                  new Distribution(
                      1 + random.nextInt(1000),
                      random.nextBoolean() ? 0.0 : random.nextDouble(),
                      random.nextBoolean() ? -0.0 : -random.nextDouble(),
                      random.nextBoolean() ? 0.0 : random.nextDouble(),
                      random.nextBoolean() ? new byte[0] : new byte[] {1, 2, 3}),
                  unit)
              : new MetricPoint(series, time, value, unit));
    }
    for (MetricPoint point : points) {
      MetricBatch single = MetricBatch.of(point);
      assertThat(CODEC.encode(single))
          .as("%s", point)
          .isEqualTo(((MetricBatchCodec) CODEC).toMessage(single).toByteArray());
    }
    MetricBatch batch = new MetricBatch(points);
    assertThat(CODEC.encode(batch))
        .isEqualTo(((MetricBatchCodec) CODEC).toMessage(batch).toByteArray());
    assertThat(CODEC.decode(TOPIC, CODEC.encode(batch))).isEqualTo(batch);
  }
}
