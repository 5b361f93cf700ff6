package io.tidewatch.model.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;

/**
 * A codec over a generated Protocol Buffers message: the protobuf parse is strict about wire
 * structure, and {@link #fromMessage} checks the semantic constraints of the model record.
 */
abstract class ProtobufCodec<T, M extends MessageLite> implements Codec<T> {

  /** The message's bytes; a subclass may write them without building the message. */
  @Override
  public byte[] encode(T value) {
    return toMessage(value).toByteArray();
  }

  @Override
  public final T decode(String topic, byte[] bytes) {
    if (bytes == null) {
      throw MalformedRecordException.of(topic, "null value", null);
    }
    M message;
    try {
      message = parse(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw MalformedRecordException.of(
          topic, "not a valid protobuf message: " + e.getMessage(), e);
    }
    try {
      return fromMessage(message);
    } catch (RuntimeException e) {
      throw MalformedRecordException.of(topic, "invalid content: " + e.getMessage(), e);
    }
  }

  abstract M toMessage(T value);

  abstract M parse(byte[] bytes) throws InvalidProtocolBufferException;

  abstract T fromMessage(M message);
}
