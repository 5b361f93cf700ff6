package io.tidewatch.actions.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A node of the routing tree (Alertmanager's route). Unset fields ({@code null}) are inherited from
 * the parent; the root's receiver defaults to the action that asked for the notification.
 *
 * @param matchers all must match for an alert to take this route (the root matches everything)
 * @param groupBy the labels that split alerts into groups; {@code ["..."]} groups by every label,
 *     i.e. one group per alert; empty puts every alert of the route in one group
 * @param muteTimeWindows names of {@link MuteTimeWindow}s during which firing notifications of this
 *     route (and its children, unless they set their own) are muted
 * @param continueMatching after this route matched, try its later siblings too ({@code continue})
 */
public record Route(
    String receiver,
    List<Matcher> matchers,
    List<String> groupBy,
    Duration groupWait,
    Duration groupInterval,
    Duration repeatInterval,
    List<String> muteTimeWindows,
    boolean continueMatching,
    List<Route> routes) {

  /** {@code groupBy: ["..."]}: every label, one group per alert. */
  public static final String EVERY_LABEL = "...";

  public Route {
    matchers = List.copyOf(Objects.requireNonNullElse(matchers, List.of()));
    groupBy = groupBy == null ? null : List.copyOf(groupBy);
    muteTimeWindows = muteTimeWindows == null ? null : List.copyOf(muteTimeWindows);
    routes = List.copyOf(Objects.requireNonNullElse(routes, List.of()));
  }

  /**
   * A root that sends everything to {@code receiver} (or the action) with Alertmanager's timing.
   */
  public static Route root(String receiver) {
    return new Route(receiver, List.of(), null, null, null, null, null, false, List.of());
  }
}
