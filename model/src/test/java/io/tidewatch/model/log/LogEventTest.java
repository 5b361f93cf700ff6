package io.tidewatch.model.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogEventTest {

  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void shouldKeyByLogGroupAndStreamWhenAsked() {
    LogEvent event = new LogEvent(T, T, "/nginx/access", "web-1", "GET /", Map.of(), null);

    assertThat(event.key()).isEqualTo("/nginx/access|web-1");
  }

  @Test
  void shouldDefaultStreamAndMessageToEmptyWhenNull() {
    LogEvent event = new LogEvent(T, T, "/app", null, null, Map.of(), null);

    assertThat(event.logStream()).isEmpty();
    assertThat(event.message()).isEmpty();
    assertThat(event.key()).isEqualTo("/app|");
  }

  @Test
  void shouldRefuseFieldWhenTypeIsNotStringLongDoubleOrBoolean() {
    assertThatThrownBy(() -> new LogEvent(T, T, "/app", "s", "m", Map.of("status", 200), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'status'")
        .hasMessageContaining("java.lang.Integer");
  }

  @Test
  void shouldKeepNullFieldAndCopyFieldsWhenCallerMutatesTheMap() {
    Map<String, Object> fields = new HashMap<>();
    fields.put("referer", null);
    fields.put("bytes", 512L);
    LogEvent event = new LogEvent(T, T, "/app", "s", "m", fields, null);

    fields.put("bytes", 0L);

    assertThat(event.fields()).containsEntry("referer", null).containsEntry("bytes", 512L);
    assertThatThrownBy(() -> event.fields().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
