package io.tidewatch.streams.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
