package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

class ThrottledWarningTest {

  private final Queue<SubstituteLoggingEvent> events = new ArrayDeque<>();
  private final AtomicLong now = new AtomicLong();
  private final ThrottledWarning warning =
      new ThrottledWarning(
          new EventRecordingLogger(new SubstituteLogger("otlp", events, false), events), now::get);

  @Test
  void shouldLogOncePerKindPerIntervalAndCountTheRestWhenProblemsRepeat() {
    warning.warn("request_malformed", "{} refused: {}", "/127.0.0.1:5000", "bad protobuf");
    warning.warn("request_malformed", "{} refused: {}", "/127.0.0.1:5001", "bad protobuf");
    warning.warn("request_too_large", "{} refused: {}", "/127.0.0.1:5002", "too large");
    warning.warn("request_malformed", "{} refused: {}", "/127.0.0.1:5003", "bad protobuf");
    now.addAndGet(ThrottledWarning.INTERVAL.toNanos());
    warning.warn("request_malformed", "{} refused: {}", "/127.0.0.1:5004", "bad protobuf");

    assertThat(events).allMatch(event -> event.getLevel() == Level.WARN);
    assertThat(events.stream().map(ThrottledWarningTest::text))
        .containsExactly(
            "/127.0.0.1:5000 refused: bad protobuf",
            "/127.0.0.1:5002 refused: too large",
            "/127.0.0.1:5004 refused: bad protobuf (2 more of this kind in the last PT1M)");
  }

  private static String text(SubstituteLoggingEvent event) {
    return MessageFormatter.arrayFormat(event.getMessage(), event.getArgumentArray()).getMessage();
  }
}
