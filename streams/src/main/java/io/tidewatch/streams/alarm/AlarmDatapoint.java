package io.tidewatch.streams.alarm;

import java.util.Map;

/**
 * One metric sample routed to one alarm instance: the value that travels on the repartition topic
 * between the router (partitioned by series) and the evaluator (partitioned by alarm instance).
 */
record AlarmDatapoint(
    String rule, Map<String, String> instance, String series, long timestampMillis, double value) {
  AlarmDatapoint {
    instance = Map.copyOf(instance);
  }
}
