package io.tidewatch.actions.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code notifications:} section of the rules: a routing tree by alarm labels, receivers, and
 * mute time windows. Silences live on their own topic ({@link SilenceStore}). Without a section
 * ({@link #none()}), an action such as {@code ops-slack: {type: slack, channel: "#ops-alerts"}} is
 * its own receiver, every alert is its own group, notified at once and repeated every 4h.
 *
 * @param root the routing tree, empty for {@link #none()}
 */
public record NotificationPolicy(
    Optional<Route> root,
    Map<String, Receiver> receivers,
    Map<String, MuteTimeWindow> muteTimeWindows) {

  private static final NotificationPolicy NONE =
      new NotificationPolicy(Optional.empty(), Map.of(), Map.of());

  public NotificationPolicy {
    Objects.requireNonNull(root, "root");
    receivers = Collections.unmodifiableMap(new TreeMap<>(receivers));
    muteTimeWindows = Collections.unmodifiableMap(new TreeMap<>(muteTimeWindows));
  }

  public static NotificationPolicy none() {
    return NONE;
  }

  /**
   * Where a notification goes: the receiver, the group it joins and that group's timing.
   *
   * @param routePath the route's position in the tree ({@code 0}, {@code 0.2.1}), part of the group
   *     key so that two routes to one receiver keep separate groups
   */
  public record Match(
      String receiver,
      String routePath,
      List<String> groupBy,
      Timing timing,
      List<MuteTimeWindow> muteTimeWindows,
      String groupKey) {
    public Match {
      groupBy = List.copyOf(groupBy);
      muteTimeWindows = List.copyOf(muteTimeWindows);
    }
  }

  /**
   * Routes an alert (Alertmanager's algorithm: depth first, the first matching child unless it says
   * {@code continue}; a node none of whose children match takes the alert itself).
   *
   * @param action the action that asked for the notification: the receiver when no route names one
   * @param labels from {@link AlertLabels#of}
   */
  public List<Match> route(String action, Map<String, String> labels) {
    if (root.isEmpty()) {
      return List.of(
          match(action, "-", List.of(Route.EVERY_LABEL), Timing.IMMEDIATE, List.of(), labels));
    }
    Inherited start = new Inherited(action, List.of(), Timing.ALERTMANAGER, List.of());
    List<Match> matches = walk(root.get(), labels, start, "0", true);
    return matches;
  }

  private record Inherited(
      String receiver, List<String> groupBy, Timing timing, List<String> mutes) {}

  private List<Match> walk(
      Route node, Map<String, String> labels, Inherited parent, String path, boolean isRoot) {
    if (!isRoot && !node.matchers().stream().allMatch(matcher -> matcher.matches(labels))) {
      return List.of();
    }
    Inherited here =
        new Inherited(
            node.receiver() != null ? node.receiver() : parent.receiver(),
            node.groupBy() != null ? node.groupBy() : parent.groupBy(),
            new Timing(
                node.groupWait() != null ? node.groupWait() : parent.timing().groupWait(),
                node.groupInterval() != null
                    ? node.groupInterval()
                    : parent.timing().groupInterval(),
                node.repeatInterval() != null
                    ? node.repeatInterval()
                    : parent.timing().repeatInterval()),
            node.muteTimeWindows() != null ? node.muteTimeWindows() : parent.mutes());
    List<Match> matches = new ArrayList<>();
    for (int i = 0; i < node.routes().size(); i++) {
      Route child = node.routes().get(i);
      List<Match> found = walk(child, labels, here, path + "." + i, false);
      if (!found.isEmpty()) {
        matches.addAll(found);
        if (!child.continueMatching()) {
          break;
        }
      }
    }
    if (matches.isEmpty()) {
      List<MuteTimeWindow> windows =
          here.mutes().stream().map(muteTimeWindows::get).filter(Objects::nonNull).toList();
      matches.add(match(here.receiver(), path, here.groupBy(), here.timing(), windows, labels));
    }
    return matches;
  }

  private static Match match(
      String receiver,
      String path,
      List<String> groupBy,
      Timing timing,
      List<MuteTimeWindow> windows,
      Map<String, String> labels) {
    String values;
    if (groupBy.contains(Route.EVERY_LABEL)) {
      values = labels.toString();
    } else {
      Map<String, String> picked = new TreeMap<>();
      for (String label : groupBy) {
        picked.put(label, labels.getOrDefault(label, ""));
      }
      values = picked.toString();
    }
    String key = receiver + "/" + path + "/" + values;
    return new Match(receiver, path, groupBy, timing, windows, key);
  }

  /** Every receiver name the routing tree uses (an action name or a defined receiver). */
  public List<String> receiverNames() {
    if (root.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    collect(root.get(), names);
    return names.stream().distinct().sorted().collect(Collectors.toList());
  }

  private static void collect(Route route, List<String> names) {
    if (route.receiver() != null) {
      names.add(route.receiver());
    }
    route.routes().forEach(child -> collect(child, names));
  }
}
