package io.tidewatch.streams.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.metric.Distribution;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AlarmDatapointSerdeTest {

  private final org.apache.kafka.common.serialization.Serde<AlarmDatapoint> serde =
      AlarmDatapointSerde.serde();

  @Test
  void shouldRoundTripEveryFieldWhenWrittenAndRead() {
    AlarmDatapoint datapoint =
        new AlarmDatapoint(
            "web-cpu-high",
            Map.of("host", "a", "zone", "ü-1"),
            "Host/cpu{host=a}",
            1_700_000_000_123L,
            -0.5);
    byte[] bytes = serde.serializer().serialize("t", datapoint);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(datapoint);
  }

  @Test
  void shouldRoundTripTheDistributionWhenTheDatapointIsAHistogram() {
    AlarmDatapoint datapoint =
        new AlarmDatapoint(
            "api-latency-p99",
            Map.of("host", "a"),
            "App/latency{host=a}",
            1_700_000_000_123L,
            37.6,
            new Distribution(1000, 37_600, 20, 900, new byte[] {2, 0, 7, 9}));

    byte[] bytes = serde.serializer().serialize("t", datapoint);

    assertThat(bytes[0]).as("version").isEqualTo((byte) 2);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(datapoint);
  }

  @Test
  void shouldKeepVersionOneBytesWhenTheDatapointIsPlain() {
    AlarmDatapoint plain = new AlarmDatapoint("r", Map.of(), "s", 1L, 2.0);

    byte[] bytes = serde.serializer().serialize("t", plain);

    assertThat(bytes[0]).isEqualTo((byte) 1);
    assertThat(serde.deserializer().deserialize("t", bytes).distribution()).isNull();
  }

  @Test
  void shouldRefuseWithTheTopicWhenBytesAreNotADatapoint() {
    assertThatThrownBy(
            () -> serde.deserializer().deserialize("alarm-datapoints", new byte[] {1, 0}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("alarm-datapoints");
    assertThatThrownBy(() -> serde.deserializer().deserialize("alarm-datapoints", new byte[] {9}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("version 9");
  }
}
