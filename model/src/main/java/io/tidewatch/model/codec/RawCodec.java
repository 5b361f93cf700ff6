package io.tidewatch.model.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bytes kept as they came (dead-letter topics). Rendered as text when they are valid UTF-8, else as
 * base64, so a person can always see what was refused.
 */
final class RawCodec implements Codec<byte[]> {

  @Override
  public byte[] encode(byte[] value) {
    return value;
  }

  @Override
  public byte[] decode(String topic, byte[] bytes) {
    if (bytes == null) {
      throw MalformedRecordException.of(topic, "null value", null);
    }
    return bytes;
  }

  @Override
  public String toJson(byte[] value) {
    Map<String, Object> json = new LinkedHashMap<>();
    try {
      json.put(
          "text",
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString());
    } catch (CharacterCodingException e) {
      json.put("base64", Base64.getEncoder().encodeToString(value));
    }
    json.put("bytes", value.length);
    return JsonCodec.write(json);
  }
}
