package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;

/**
 * The new state of one alarm instance, routed to a composite alarm that names it (on the composite
 * repartition topic, keyed by composite name).
 *
 * @param state null when the instance was removed
 * @param sourceId the transition id of the state change that carried it
 */
record CompositeInput(String instance, String alarm, AlarmState state, String sourceId) {}
