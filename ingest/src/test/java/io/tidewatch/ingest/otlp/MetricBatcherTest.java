package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.codec.Codecs;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class MetricBatcherTest {

  private static final String TOPIC = "tw.metrics";
  private static final Instant TIME = Instant.parse("2026-12-05T09:00:00Z");

  private static MappedPoint point(String host, int cpu, double value) {
    SeriesId series =
        SeriesId.of("shop", "cpu", Map.of("host.name", host, "cpu", Integer.toString(cpu)));
    return new MappedPoint(new MetricPoint(series, TIME, value, "%"), EncodedSeries.of(series));
  }

  private static List<MetricPoint> decode(ProducerRecord<String, byte[]> record) {
    return Codecs.METRIC_BATCH.decode(TOPIC, record.value()).points();
  }

  private static int defaultPartition(SeriesId series, int partitions) {
    return Utils.toPositive(Utils.murmur2(series.key().getBytes(StandardCharsets.UTF_8)))
        % partitions;
  }

  @Test
  void shouldSendEveryPointOnceToThePartitionItsSeriesKeyHashesTo() {
    List<MappedPoint> points = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      points.add(point("web-" + i % 7, i, i * 0.5));
    }

    List<ProducerRecord<String, byte[]>> records = MetricBatcher.records(TOPIC, points, 6);

    List<MetricPoint> written = new ArrayList<>();
    for (ProducerRecord<String, byte[]> record : records) {
      assertThat(record.topic()).isEqualTo(TOPIC);
      for (MetricPoint point : decode(record)) {
        assertThat(record.partition()).isEqualTo(defaultPartition(point.series(), 6));
        written.add(point);
      }
    }
    assertThat(written)
        .containsExactlyInAnyOrderElementsOf(points.stream().map(MappedPoint::point).toList());
    assertThat(records).hasSizeLessThanOrEqualTo(6);
  }

  @Test
  void shouldKeyALonePointBySeriesAndLeaveABatchUnkeyed() {
    MappedPoint lone = point("web-1", 0, 1);

    List<ProducerRecord<String, byte[]>> one = MetricBatcher.records(TOPIC, List.of(lone), 3);
    List<ProducerRecord<String, byte[]>> many =
        MetricBatcher.records(TOPIC, List.of(lone, point("web-1", 0, 2)), 1);

    assertThat(one)
        .singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo(lone.series().key()));
    assertThat(Codecs.METRIC_POINT.decode(TOPIC, one.get(0).value())).isEqualTo(lone.point());
    assertThat(many).singleElement().satisfies(r -> assertThat(r.key()).isNull());
    assertThat(decode(many.get(0))).extracting(MetricPoint::value).containsExactly(1.0, 2.0);
  }

  @Test
  void shouldStartANewRecordAfterMaxPointsInOrder() {
    List<MappedPoint> points = new ArrayList<>();
    for (int i = 0; i < MetricBatcher.MAX_POINTS * 2 + 1; i++) {
      points.add(point("web-1", 0, i));
    }

    List<ProducerRecord<String, byte[]>> records = MetricBatcher.records(TOPIC, points, 1);

    assertThat(records).hasSize(3);
    assertThat(records.stream().map(r -> decode(r).size()).toList())
        .containsExactly(MetricBatcher.MAX_POINTS, MetricBatcher.MAX_POINTS, 1);
    List<Double> values =
        records.stream().flatMap(r -> decode(r).stream()).map(MetricPoint::value).toList();
    assertThat(values).isSorted().hasSize(points.size());
  }

  @Test
  void shouldCloseARecordOnceItReachesMaxBytes() {
    String longHost = "h".repeat(10_000);
    List<MappedPoint> points = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      points.add(point(longHost, 0, i));
    }

    List<ProducerRecord<String, byte[]>> records = MetricBatcher.records(TOPIC, points, 1);

    assertThat(records).hasSizeGreaterThan(1);
    int onePoint = Codecs.METRIC_POINT.encode(points.get(0).point()).length;
    for (ProducerRecord<String, byte[]> record : records) {
      assertThat(record.value().length).isLessThan(MetricBatcher.MAX_BYTES + onePoint + 8);
    }
    assertThat(records.stream().mapToInt(r -> decode(r).size()).sum()).isEqualTo(60);
  }

  @Test
  void shouldRefuseATopicWithoutPartitions() {
    assertThatThrownBy(() -> MetricBatcher.records(TOPIC, List.of(point("a", 0, 1)), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no partitions");
  }
}
