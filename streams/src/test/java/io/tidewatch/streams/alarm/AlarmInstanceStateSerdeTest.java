package io.tidewatch.streams.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.alarm.Aggregate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AlarmInstanceStateSerdeTest {

  private final Serde<AlarmInstanceState> serde = AlarmInstanceStateSerde.serde();

  @Test
  void shouldRoundTripStateAndPeriodsWhenWrittenAndRead() {
    TreeMap<Long, Aggregate> periods = new TreeMap<>();
    periods.put(60_000L, Aggregate.of(10).add(30));
    periods.put(120_000L, Aggregate.of(99, Statistic.parse("p99")).add(1));
    AlarmInstanceState state =
        new AlarmInstanceState(
            "web-cpu-high",
            "abc123",
            Map.of("host", "a"),
            AlarmState.ALARM,
            "Threshold Crossed: ...",
            null,
            1_700_000_000_000L,
            180_000L,
            periods,
            new io.tidewatch.rules.alarm.AnomalyModel(12, 40.5, 9.0),
            new TreeMap<>(Map.of(120_000L, new io.tidewatch.rules.alarm.AnomalyModel.Band(30, 50))),
            Map.of("e", periods, "r", new TreeMap<>(Map.of(60_000L, Aggregate.of(4)))));

    AlarmInstanceState read =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));

    assertThat(read.rule()).isEqualTo("web-cpu-high");
    assertThat(read.instance()).isEqualTo(Map.of("host", "a"));
    assertThat(read.state()).isEqualTo(AlarmState.ALARM);
    assertThat(read.reasonData()).isNull();
    assertThat(read.lastEvaluatedEndMillis()).isEqualTo(180_000L);
    assertThat(read.periods()).isEqualTo(periods);
    assertThat(read.model()).isEqualTo(state.model());
    assertThat(read.bands()).isEqualTo(state.bands());
    assertThat(read.inputs()).isEqualTo(state.inputs());
    assertThat(read.periods().get(120_000L).value(Statistic.parse("p99")))
        .isEqualTo(periods.get(120_000L).value(Statistic.parse("p99")));
  }

  @Test
  void shouldReadVersionTwoWithoutInputsWhenWrittenBeforeMetricMath() {
    AlarmInstanceState state =
        AlarmInstanceState.fresh("web-cpu-high", "abc123", Map.of("host", "a"), 60_000L)
            .withPeriods(new TreeMap<>(Map.of(60_000L, Aggregate.of(7))));
    byte[] current = serde.serializer().serialize("t", state);
    // Version 2 is version 3 without the trailing input count.
    byte[] version2 = java.util.Arrays.copyOf(current, current.length - Integer.BYTES);
    version2[0] = 2;

    AlarmInstanceState read = serde.deserializer().deserialize("t", version2);

    assertThat(read.periods()).isEqualTo(state.periods());
    assertThat(read.inputs()).isEmpty();
    assertThat(read.rule()).isEqualTo("web-cpu-high");
  }

  @Test
  void shouldRefuseWithTheTopicWhenBytesAreTruncated() {
    assertThatThrownBy(
            () ->
                serde.deserializer().deserialize("alarm-instances-changelog", new byte[] {1, 0, 0}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("alarm-instances-changelog");
  }
}
