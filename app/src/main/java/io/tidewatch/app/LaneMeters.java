package io.tidewatch.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidewatch.actions.core.ActionWorker;
import io.tidewatch.actions.core.LaneStatus;
import java.util.Optional;

/**
 * The action lanes' health on {@code /metrics}: {@code tidewatch_action_lane_up{lane}} (1 while the
 * lane runs or recovers, 0 once it stopped for good) and {@code
 * tidewatch_action_lane_recoveries_total{lane}} (failures it recovered from: refused commits after
 * a rebalance, restarted consumers).
 */
final class LaneMeters {

  private LaneMeters() {}

  static void register(ActionWorker worker, MeterRegistry registry) {
    for (LaneStatus lane : worker.lanes()) {
      String name = lane.name();
      Gauge.builder("tidewatch.action.lane.up", worker, w -> up(w, name))
          .tag("lane", name)
          .description("1 while the action lane runs (or recovers), 0 once it stopped for good")
          .register(registry);
      FunctionCounter.builder(
              "tidewatch.action.lane.recoveries",
              worker,
              w -> status(w, name).map(LaneStatus::recoveries).orElse(0))
          .tag("lane", name)
          .description("Consumer failures the action lane recovered from")
          .register(registry);
    }
  }

  private static double up(ActionWorker worker, String lane) {
    return status(worker, lane).map(status -> status.up() ? 1.0 : 0.0).orElse(0.0);
  }

  private static Optional<LaneStatus> status(ActionWorker worker, String lane) {
    return worker.lanes().stream().filter(status -> status.name().equals(lane)).findFirst();
  }
}
