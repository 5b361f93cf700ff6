package io.tidewatch.model.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RawCodecTest {

  private static final String TOPIC = "tw.dlq.ingest";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldKeepBytesAsTheyCameWhenRoundTripped() {
    byte[] bytes = {0, (byte) 0xFF, 'a', '\n'};

    assertThat(Codecs.RAW.decode(TOPIC, Codecs.RAW.encode(bytes))).containsExactly(bytes);
  }

  @Test
  void shouldRenderTextWhenBytesAreValidUtf8() throws IOException {
    JsonNode json = JSON.readTree(Codecs.RAW.toJson("bad line ✓".getBytes(UTF_8)));

    assertThat(json.path("text").asText()).isEqualTo("bad line ✓");
    assertThat(json.has("base64")).isFalse();
    assertThat(json.path("bytes").asInt()).isEqualTo("bad line ✓".getBytes(UTF_8).length);
  }

  @Test
  void shouldRenderBase64WhenBytesAreNotUtf8() throws IOException {
    byte[] bytes = {(byte) 0xC3, (byte) 0x28, 0, 1};

    JsonNode json = JSON.readTree(Codecs.RAW.toJson(bytes));

    assertThat(json.has("text")).isFalse();
    assertThat(Base64.getDecoder().decode(json.path("base64").asText())).containsExactly(bytes);
    assertThat(json.path("bytes").asInt()).isEqualTo(4);
  }
}
