package io.tidewatch.model.codec;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How the values of one topic are written and read. Decoding never returns null for non-null bytes
 * and never throws anything but {@link MalformedRecordException}.
 */
public interface Codec<T> {

  byte[] encode(T value);

  /**
   * @throws MalformedRecordException naming the topic when the bytes are not a {@code T}
   */
  T decode(String topic, byte[] bytes);

  /** Renders a value as one line of JSON, for {@code tidewatch tail} and logs. */
  String toJson(T value);

  /** Decodes a consumed record; a failure names its topic, partition and offset. */
  default T decode(ConsumerRecord<?, byte[]> record) {
    try {
      return decode(record.topic(), record.value());
    } catch (MalformedRecordException e) {
      throw e.at(record.partition(), record.offset());
    }
  }

  default Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : encode(value);
  }

  default Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(topic, bytes);
  }

  default Serde<T> serde() {
    return Serdes.serdeFrom(serializer(), deserializer());
  }
}
