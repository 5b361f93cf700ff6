package io.tidewatch.actions.core;

/**
 * The health of one lane of an {@link ActionWorker} (one provider type), for {@code /metrics} and
 * the process that runs the worker.
 *
 * @param name the provider type (the lane's consumer group is {@code groupId.name})
 * @param up consuming, or re-joining after a failure; false once it stopped for good
 * @param recoveries consumer failures it recovered from (refused commits, restarted consumers)
 * @param failure why it stopped for good; null while up
 */
public record LaneStatus(String name, boolean up, int recoveries, String failure) {}
