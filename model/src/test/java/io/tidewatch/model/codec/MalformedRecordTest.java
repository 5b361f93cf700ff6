package io.tidewatch.model.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Named.named;

import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import io.tidewatch.model.topic.Topics;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad bytes on every topic: a {@link MalformedRecordException} naming where they were found, never
 * a NullPointerException or any other exception escaping the codec.
 */
class MalformedRecordTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final byte[] GARBAGE = garbage(new Random(20240501L), 64);
  private static final byte[] BAD_VARINT = new byte[11];

  static {
    Arrays.fill(BAD_VARINT, (byte) 0xFF);
  }

  /** One sample of each value type, used to derive truncated encodings. */
  private static final MetricPoint POINT =
      new MetricPoint(
          SeriesId.of("AWS/EC2", "CPUUtilization", Map.of("InstanceId", "i-0abc")),
          Instant.parse("2024-05-01T12:00:00Z"),
          97.5,
          "Percent");

  private static final LogEvent EVENT =
      new LogEvent(
          Instant.parse("2024-05-01T12:00:00Z"),
          Instant.parse("2024-05-01T12:00:01Z"),
          "/nginx/access",
          "web-1",
          "GET / 200",
          Map.of("status", 200L),
          "partial parse");

  private static final ActionRecord ACTION =
      new ActionRecord(
          "key-1",
          "t-1",
          "web-cpu-high",
          "notify",
          "slack",
          ActionRecord.Phase.REQUESTED,
          1,
          Instant.parse("2024-05-01T12:00:00Z"),
          Map.of("channel", "#ops"));

  private record Target(String topic, Codec<?> codec, byte[] valid) {}

  private static List<Target> targets() {
    return List.of(
        new Target(TOPICS.metrics().name(), Codecs.METRIC_POINT, Codecs.METRIC_POINT.encode(POINT)),
        new Target(TOPICS.logs().name(), Codecs.LOG_EVENT, Codecs.LOG_EVENT.encode(EVENT)),
        new Target(
            TOPICS.alarmEvents().name(),
            Codecs.ALARM_STATE_CHANGE,
            Codecs.ALARM_STATE_CHANGE.encode(AlarmStateChangeCodecTest.sample())),
        new Target(
            TOPICS.actions().name(), Codecs.ACTION_RECORD, Codecs.ACTION_RECORD.encode(ACTION)));
  }

  static Stream<Arguments> badBytes() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Target target : targets()) {
      boolean json = target.valid()[0] == '{';
      add(cases, target, "null bytes", null);
      add(cases, target, "JSON null", "null".getBytes(UTF_8));
      add(cases, target, "invalid JSON", "{\"id\": \"abc\", \"detail\": {".getBytes(UTF_8));
      add(cases, target, "JSON array", "[1, 2, 3]".getBytes(UTF_8));
      add(cases, target, "random garbage", GARBAGE);
      add(cases, target, "malformed varint", BAD_VARINT);
      add(
          cases,
          target,
          "truncated",
          Arrays.copyOf(
              target.valid(), json ? target.valid().length / 2 : target.valid().length - 1));
      if (target.codec() != Codecs.LOG_EVENT) {
        // an empty LogEventMessage is a valid protobuf; see LogEventCodecTest (reported bug)
        add(cases, target, "empty", new byte[0]);
      }
      if (json) {
        add(
            cases,
            target,
            "deeply nested",
            ("{\"addedLater\":" + "[".repeat(5_000)).getBytes(UTF_8));
        add(cases, target, "invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"'});
      }
    }
    add(
        cases,
        new Target(TOPICS.dlq("ingest").name(), Codecs.RAW, new byte[0]),
        "null bytes",
        null);
    return cases.build();
  }

  private static void add(
      Stream.Builder<Arguments> cases, Target target, String kind, byte[] bytes) {
    cases.add(
        Arguments.of(named(target.topic() + " / " + kind, target.topic()), target.codec(), bytes));
  }

  @ParameterizedTest
  @MethodSource("badBytes")
  void shouldThrowMalformedRecordNamingTopicWhenBytesAreBad(
      String topic, Codec<?> codec, byte[] bytes) {
    Throwable thrown = catchThrowable(() -> codec.decode(topic, bytes));

    assertThat(thrown).isInstanceOf(MalformedRecordException.class);
    MalformedRecordException malformed = (MalformedRecordException) thrown;
    assertThat(malformed).hasMessageStartingWith("malformed record on " + topic + ": ");
    assertThat(malformed.getMessage().length())
        .as("a reason follows the topic")
        .isGreaterThan(("malformed record on " + topic + ": ").length());
    assertThat(malformed.topic()).isEqualTo(topic);
    assertThat(malformed.partition()).isEqualTo(-1);
    assertThat(malformed.offset()).isEqualTo(-1);
  }

  @ParameterizedTest
  @MethodSource("badBytes")
  void shouldNameTopicPartitionAndOffsetWhenDecodingAConsumerRecord(
      String topic, Codec<?> codec, byte[] bytes) {
    String reason = reasonOf(catchThrowable(() -> codec.decode(topic, bytes)), topic);
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(topic, 3, 42L, "some-key", bytes);

    Throwable thrown = catchThrowable(() -> codec.decode(record));

    assertThat(thrown).isInstanceOf(MalformedRecordException.class);
    MalformedRecordException malformed = (MalformedRecordException) thrown;
    assertThat(malformed)
        .hasMessage("malformed record on " + topic + "-3@42: " + reason)
        .hasMessageContaining(topic)
        .hasMessageContaining("3")
        .hasMessageContaining("42");
    assertThat(malformed.topic()).isEqualTo(topic);
    assertThat(malformed.partition()).isEqualTo(3);
    assertThat(malformed.offset()).isEqualTo(42L);
  }

  private static String reasonOf(Throwable thrown, String topic) {
    assertThat(thrown).isInstanceOf(MalformedRecordException.class);
    return thrown.getMessage().substring(("malformed record on " + topic + ": ").length());
  }

  static Stream<Arguments> codecs() {
    return targets().stream()
        .map(
            target ->
                Arguments.of(
                    named(target.topic(), target.topic()), target.codec(), target.valid()));
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void shouldOnlyEverThrowMalformedRecordWhenFedRandomBytes(
      String topic, Codec<?> codec, byte[] ignored) {
    Random random = new Random(topic.hashCode());
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = garbage(random, 1 + random.nextInt(96));
      Object[] decoded = new Object[1];

      Throwable thrown = catchThrowable(() -> decoded[0] = codec.decode(topic, bytes));

      if (thrown == null) {
        assertThat(decoded[0]).as("decoded value of %s", Arrays.toString(bytes)).isNotNull();
      } else {
        assertThat(thrown)
            .as("exception for %s", Arrays.toString(bytes))
            .isInstanceOf(MalformedRecordException.class)
            .hasMessageContaining(topic);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void shouldOnlyEverThrowMalformedRecordWhenRecordIsCutAnywhere(
      String topic, Codec<?> codec, byte[] valid) {
    for (int length = 0; length < valid.length; length++) {
      byte[] prefix = Arrays.copyOf(valid, length);
      Object[] decoded = new Object[1];

      Throwable thrown = catchThrowable(() -> decoded[0] = codec.decode(topic, prefix));

      if (thrown == null) {
        assertThat(decoded[0]).as("decoded prefix of %d bytes", length).isNotNull();
      } else {
        assertThat(thrown)
            .as("exception for a prefix of %d bytes", length)
            .isInstanceOf(MalformedRecordException.class)
            .hasMessageContaining(topic);
      }
    }
  }

  private static byte[] garbage(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
