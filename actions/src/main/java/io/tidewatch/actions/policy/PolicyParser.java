package io.tidewatch.actions.policy;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the {@code notifications:} section of a rule file from the plain values YAML gives (maps,
 * lists, strings, numbers, booleans) and reports every problem at once, each with its path: {@code
 * notifications.route.routes[1].groupWait: a duration like 30s, 5m, 4h. Found: "soon"}.
 *
 * <pre>
 * notifications:
 *   route:
 *     receiver: ops-slack             # an action name or a receiver below; default: the action itself
 *     groupBy: [alarmName]            # ["..."] = one group per alert; default [] = one group
 *     groupWait: 30s                  # defaults as Alertmanager: 30s, 5m, 4h
 *     groupInterval: 5m
 *     repeatInterval: 4h
 *     routes:
 *       - matchers: ['team="web"', 'severity=~"page|critical"']
 *         receiver: web-slack
 *         muteTimeWindows: [nights]
 *         continue: false
 *   receivers:
 *     web-slack: {type: slack, channel: "#web-alerts"}
 *   muteTimeWindows:
 *     nights:
 *       - weekdays: ["monday:friday"]
 *         times: [{start: "22:00", end: "07:00"}]
 *         timezone: Europe/Berlin
 * </pre>
 */
public final class PolicyParser {

  private static final String ROOT = "notifications";
  private static final Set<String> SECTION_KEYS = Set.of("route", "receivers", "muteTimeWindows");
  private static final Set<String> ROUTE_KEYS =
      Set.of(
          "receiver",
          "matchers",
          "groupBy",
          "groupWait",
          "groupInterval",
          "repeatInterval",
          "muteTimeWindows",
          "continue",
          "routes");
  private static final Set<String> INTERVAL_KEYS = Set.of("weekdays", "times", "timezone");
  private static final Set<String> TIME_KEYS = Set.of("start", "end");

  /** At most nine digits, as in rule files: no duration can then overflow. */
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final int MAX_DEPTH = 32;

  private final List<String> problems = new ArrayList<>();
  private final Set<String> referencedWindows = new TreeSet<>();

  private PolicyParser() {}

  /**
   * @param section the value of the {@code notifications:} key; null or empty gives {@link
   *     NotificationPolicy#none()}
   * @throws PolicyException listing every problem found
   */
  public static NotificationPolicy parse(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return NotificationPolicy.none();
    }
    PolicyParser parser = new PolicyParser();
    NotificationPolicy policy = parser.section(section);
    if (!parser.problems.isEmpty()) {
      throw new PolicyException(parser.problems);
    }
    return policy;
  }

  /**
   * Every problem of the section, each as {@code path: message} with the path from the file's root
   * ({@code notifications.route.groupWait: ...}); empty when it can be used.
   */
  public static List<String> problems(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return List.of();
    }
    PolicyParser parser = new PolicyParser();
    parser.section(section);
    return List.copyOf(parser.problems);
  }

  private NotificationPolicy section(Map<String, Object> section) {
    unknownKeys(ROOT, section, SECTION_KEYS);
    Map<String, Receiver> receivers = receivers(section.get("receivers"));
    Map<String, MuteTimeWindow> windows = windows(section.get("muteTimeWindows"));
    Optional<Route> root = Optional.empty();
    Object route = section.get("route");
    if (route == null) {
      problems.add(ROOT + ".route: a route (at least {receiver: NAME} or {})");
    } else {
      Route parsed = route(ROOT + ".route", route, 0);
      if (parsed != null) {
        if (!parsed.matchers().isEmpty()) {
          problems.add(
              ROOT
                  + ".route.matchers: the root route matches every alert; put matchers on its routes");
        }
        if (parsed.continueMatching()) {
          problems.add(ROOT + ".route.continue: not allowed on the root route");
        }
        root = Optional.of(parsed);
      }
    }
    for (String name : referencedWindows) {
      if (!windows.containsKey(name)) {
        problems.add(
            ROOT
                + ".muteTimeWindows: no window named '"
                + name
                + "' (used by a route; defined: "
                + windows.keySet()
                + ")");
      }
    }
    return new NotificationPolicy(root, receivers, windows);
  }

  private Route route(String path, Object value, int depth) {
    if (!(value instanceof Map<?, ?> raw)) {
      problems.add(
          path + ": a mapping with receiver, matchers, groupBy, ... Found: " + describe(value));
      return null;
    }
    if (depth > MAX_DEPTH) {
      problems.add(path + ": routes nested deeper than " + MAX_DEPTH);
      return null;
    }
    Map<String, Object> map = strings(raw);
    unknownKeys(path, map, ROUTE_KEYS);
    String receiver = name(path + ".receiver", map.get("receiver"), true);
    List<Matcher> matchers = new ArrayList<>();
    List<Object> rawMatchers = list(path + ".matchers", map.get("matchers"));
    for (int i = 0; i < rawMatchers.size(); i++) {
      Object matcher = rawMatchers.get(i);
      try {
        if (!(matcher instanceof String text)) {
          throw new IllegalArgumentException(
              "a matcher like team=\"web\". Found: " + describe(matcher));
        }
        matchers.add(Matcher.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add(path + ".matchers[" + i + "]: " + e.getMessage());
      }
    }
    List<String> groupBy = null;
    if (map.containsKey("groupBy")) {
      groupBy = new ArrayList<>();
      List<Object> labels = list(path + ".groupBy", map.get("groupBy"));
      for (int i = 0; i < labels.size(); i++) {
        Object label = labels.get(i);
        if (label instanceof String text
            && (text.equals(Route.EVERY_LABEL) || text.matches("[A-Za-z_][A-Za-z0-9_.]*"))) {
          groupBy.add(text);
        } else {
          problems.add(
              path
                  + ".groupBy["
                  + i
                  + "]: a label name, or \"...\" for every label. Found: "
                  + describe(label));
        }
      }
      if (groupBy.contains(Route.EVERY_LABEL) && groupBy.size() > 1) {
        problems.add(
            path + ".groupBy: \"...\" already means every label; list nothing else with it");
      }
    }
    Duration wait = duration(path + ".groupWait", map.get("groupWait"));
    Duration interval = duration(path + ".groupInterval", map.get("groupInterval"));
    Duration repeat = duration(path + ".repeatInterval", map.get("repeatInterval"));
    List<String> windows = null;
    if (map.containsKey("muteTimeWindows")) {
      windows = new ArrayList<>();
      List<Object> names = list(path + ".muteTimeWindows", map.get("muteTimeWindows"));
      for (int i = 0; i < names.size(); i++) {
        String name = name(path + ".muteTimeWindows[" + i + "]", names.get(i), false);
        if (name != null) {
          windows.add(name);
          referencedWindows.add(name);
        }
      }
    }
    boolean continueMatching = false;
    Object cont = map.get("continue");
    if (cont != null) {
      if (cont instanceof Boolean flag) {
        continueMatching = flag;
      } else {
        problems.add(path + ".continue: true or false. Found: " + describe(cont));
      }
    }
    List<Route> children = new ArrayList<>();
    List<Object> rawRoutes = list(path + ".routes", map.get("routes"));
    for (int i = 0; i < rawRoutes.size(); i++) {
      Route child = route(path + ".routes[" + i + "]", rawRoutes.get(i), depth + 1);
      if (child != null) {
        children.add(child);
      }
    }
    return new Route(
        receiver, matchers, groupBy, wait, interval, repeat, windows, continueMatching, children);
  }

  private Map<String, Receiver> receivers(Object value) {
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    if (value == null) {
      return receivers;
    }
    if (!(value instanceof Map<?, ?> raw)) {
      problems.add(
          ROOT + ".receivers: a mapping of name to {type: ..., ...}. Found: " + describe(value));
      return receivers;
    }
    for (Map.Entry<String, Object> entry : strings(raw).entrySet()) {
      String path = ROOT + ".receivers." + entry.getKey();
      if (!NAME.matcher(entry.getKey()).matches()) {
        problems.add(path + ": a name of letters, digits, '.', '_' or '-'");
        continue;
      }
      if (!(entry.getValue() instanceof Map<?, ?> settings)) {
        problems.add(
            path
                + ": a mapping like {type: slack, channel: \"#web-alerts\"}. Found: "
                + describe(entry.getValue()));
        continue;
      }
      Map<String, Object> copy = new LinkedHashMap<>(strings(settings));
      Object type = copy.remove("type");
      if (!(type instanceof String text) || text.isBlank()) {
        problems.add(path + ".type: the receiver's type, e.g. slack. Found: " + describe(type));
        continue;
      }
      receivers.put(entry.getKey(), new Receiver(entry.getKey(), text, copy));
    }
    return receivers;
  }

  private Map<String, MuteTimeWindow> windows(Object value) {
    Map<String, MuteTimeWindow> windows = new LinkedHashMap<>();
    if (value == null) {
      return windows;
    }
    if (!(value instanceof Map<?, ?> raw)) {
      problems.add(
          ROOT
              + ".muteTimeWindows: a mapping of name to a list of intervals. Found: "
              + describe(value));
      return windows;
    }
    for (Map.Entry<String, Object> entry : strings(raw).entrySet()) {
      String path = ROOT + ".muteTimeWindows." + entry.getKey();
      List<Object> intervals = list(path, entry.getValue());
      List<MuteTimeWindow.Interval> parsed = new ArrayList<>();
      for (int i = 0; i < intervals.size(); i++) {
        MuteTimeWindow.Interval interval = interval(path + "[" + i + "]", intervals.get(i));
        if (interval != null) {
          parsed.add(interval);
        }
      }
      if (intervals.isEmpty()) {
        problems.add(
            path + ": at least one interval ({weekdays: [...], times: [...], timezone: ...})");
      }
      windows.put(entry.getKey(), new MuteTimeWindow(entry.getKey(), parsed));
    }
    return windows;
  }

  private MuteTimeWindow.Interval interval(String path, Object value) {
    if (!(value instanceof Map<?, ?> raw)) {
      problems.add(
          path + ": a mapping with weekdays, times and timezone. Found: " + describe(value));
      return null;
    }
    Map<String, Object> map = strings(raw);
    unknownKeys(path, map, INTERVAL_KEYS);
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    List<Object> weekdays = list(path + ".weekdays", map.get("weekdays"));
    for (int i = 0; i < weekdays.size(); i++) {
      String dayPath = path + ".weekdays[" + i + "]";
      Object day = weekdays.get(i);
      if (!(day instanceof String text)) {
        problems.add(
            dayPath
                + ": a weekday like monday or a range like monday:friday. Found: "
                + describe(day));
        continue;
      }
      String[] bounds = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
      DayOfWeek first = day(dayPath, bounds[0]);
      DayOfWeek last = bounds.length == 2 ? day(dayPath, bounds[1]) : first;
      if (bounds.length > 2) {
        problems.add(
            dayPath + ": a weekday like monday or a range like monday:friday. Found: " + text);
      } else if (first != null && last != null) {
        for (DayOfWeek d = first; ; d = d.plus(1)) {
          days.add(d);
          if (d == last) {
            break;
          }
        }
      }
    }
    List<MuteTimeWindow.TimeRange> times = new ArrayList<>();
    List<Object> rawTimes = list(path + ".times", map.get("times"));
    for (int i = 0; i < rawTimes.size(); i++) {
      String timePath = path + ".times[" + i + "]";
      if (!(rawTimes.get(i) instanceof Map<?, ?> range)) {
        problems.add(
            timePath
                + ": a mapping like {start: \"22:00\", end: \"07:00\"}. Found: "
                + describe(rawTimes.get(i)));
        continue;
      }
      Map<String, Object> bounds = strings(range);
      unknownKeys(timePath, bounds, TIME_KEYS);
      LocalTime start = time(timePath + ".start", bounds.get("start"));
      LocalTime end = time(timePath + ".end", bounds.get("end"));
      if (start != null && end != null) {
        times.add(new MuteTimeWindow.TimeRange(start, end));
      }
    }
    ZoneId zone = ZoneOffset.UTC;
    Object timezone = map.get("timezone");
    if (timezone != null) {
      try {
        zone = ZoneId.of(String.valueOf(timezone));
      } catch (DateTimeException e) {
        problems.add(
            path
                + ".timezone: a time zone like Europe/Berlin or UTC. Found: "
                + describe(timezone));
      }
    }
    return new MuteTimeWindow.Interval(days, times, zone);
  }

  private DayOfWeek day(String path, String text) {
    try {
      return DayOfWeek.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(path + ": a weekday (monday ... sunday). Found: \"" + text + "\"");
      return null;
    }
  }

  private LocalTime time(String path, Object value) {
    if (!(value instanceof String text)) {
      problems.add(path + ": a time like \"22:00\" (quote it in YAML). Found: " + describe(value));
      return null;
    }
    if (text.equals("24:00")) {
      return LocalTime.MIDNIGHT;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      problems.add(path + ": a time like \"22:00\". Found: \"" + text + "\"");
      return null;
    }
  }

  private Duration duration(String path, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      java.util.regex.Matcher m = DURATION.matcher(text.trim());
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      }
    }
    problems.add(path + ": a duration like 30s, 5m, 4h or 1d. Found: " + describe(value));
    return null;
  }

  private String name(String path, Object value, boolean optional) {
    if (value == null && optional) {
      return null;
    }
    if (value instanceof String text && NAME.matcher(text).matches()) {
      return text;
    }
    problems.add(path + ": a name of letters, digits, '.', '_' or '-'. Found: " + describe(value));
    return null;
  }

  private List<Object> list(String path, Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> items) {
      return new ArrayList<>(items);
    }
    problems.add(path + ": a list. Found: " + describe(value));
    return List.of();
  }

  private void unknownKeys(String path, Map<String, Object> map, Set<String> known) {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        problems.add(
            path
                + "."
                + key
                + ": unknown key (known: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  private static Map<String, Object> strings(Map<?, ?> raw) {
    Map<String, Object> map = new LinkedHashMap<>();
    raw.forEach((key, value) -> map.put(String.valueOf(key), value));
    return map;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof String) {
      return "\"" + value + "\"";
    }
    return value + " (" + value.getClass().getSimpleName() + ")";
  }
}
