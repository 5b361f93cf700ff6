package io.tidewatch.streams.alarm;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Counts what the alarm processors drop on purpose (late beyond lateness, from the far future,
 * duplicates) or hold back (stamped ahead of the clock), as Kafka Streams task metrics ({@code
 * <name>-total} and {@code <name>-rate}, scope {@code tidewatch}): every discard is counted, never
 * silent.
 */
final class DiscardSensors {

  private DiscardSensors() {}

  static Sensor of(ProcessorContext<?, ?> context, String name) {
    return context
        .metrics()
        .addRateTotalSensor(
            "tidewatch", "task-" + context.taskId(), name, Sensor.RecordingLevel.INFO);
  }
}
