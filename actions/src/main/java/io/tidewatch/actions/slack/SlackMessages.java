package io.tidewatch.actions.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.actions.core.Notification;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders notifications as Slack messages people like to read: the channel message (a colored
 * attachment of Block Kit blocks: title with state and severity, description, the reason in plain
 * words, dimensions, recent datapoints, runbook and Grafana links) and the thread replies (resolve,
 * new alerts, repeats). Pure: the same notification and time give the same JSON (golden files).
 */
final class SlackMessages {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ALERTS_LISTED = 10;
  private static final int MAX_HEADER = 150;
  private static final int MAX_TEXT = 2900;
  private static final DateTimeFormatter FALLBACK_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** A message: the notification text (fallback) and either attachments or blocks. */
  record Message(String text, ArrayNode attachments, ArrayNode blocks) {}

  /** What the action's settings add to the message. */
  record Options(String grafanaUrl) {
    static final Options NONE = new Options(null);
  }

  private enum Look {
    CRITICAL("🔴", "#D92D20"),
    WARNING("🟠", "#F79009"),
    INFO("🔵", "#2E90FA"),
    NO_DATA("⚪", "#98A2B3"),
    RESOLVED("✅", "#12B76A");

    final String emoji;
    final String color;

    Look(String emoji, String color) {
      this.emoji = emoji;
      this.color = color;
    }
  }

  private SlackMessages() {}

  /** The channel message of an episode, as first posted and as later updated. */
  static Message parent(Notification notification, Options options, Instant now) {
    List<Notification.Alert> alerts = sorted(notification.alerts());
    Notification.Alert lead = lead(alerts);
    Look look = look(notification, lead);
    String state = notification.allResolved() ? "RESOLVED" : stateName(lead.event());
    ArrayNode blocks = JSON.createArrayNode();

    String title = look.emoji + " " + state + " · " + title(alerts);
    blocks.addObject().put("type", "header").set("text", plain(truncate(title, MAX_HEADER)));

    String description = description(lead.event());
    StringBuilder body = new StringBuilder();
    body.append('*')
        .append(escape(alerts.size() == 1 ? capitalized(shortLine(lead, now)) : summary(alerts)))
        .append('*');
    if (!description.isEmpty()) {
      body.append('\n').append(escape(description));
    }
    section(blocks, body.toString());

    if (alerts.size() == 1) {
      blocks.addObject().put("type", "section").set("fields", fields(lead, now));
    } else {
      section(blocks, list(alerts, now));
    }

    String sparkline = PlainWords.sparkline(lead.event());
    if (!sparkline.isEmpty()) {
      context(blocks, "Recent datapoints: " + sparkline);
    }
    String links = links(lead, alerts, options, now);
    if (!links.isEmpty()) {
      context(blocks, links);
    }

    String text =
        truncate(
            escape(
                look.emoji
                    + " "
                    + state
                    + " "
                    + fallbackName(alerts)
                    + ": "
                    + shortLine(lead, now)),
            MAX_TEXT);
    ArrayNode attachments = JSON.createArrayNode();
    ObjectNode attachment = attachments.addObject();
    attachment.put("color", look.color);
    // The Slack client warns on every call whose attachments lack a fallback, top-level text or
    // not; the notification text is what a client that cannot show the blocks shows anyway.
    attachment.put("fallback", text);
    attachment.set("blocks", blocks);
    return new Message(text, attachments, null);
  }

  /** The thread reply: what changed (resolves, new or changed alerts) or that it still fires. */
  static Message reply(Notification notification, Instant now) {
    List<String> lines = new ArrayList<>();
    boolean several = notification.alerts().size() > 1;
    if (notification.kind() == Notification.Kind.REPEAT) {
      List<Notification.Alert> firing = sorted(notification.firing());
      Notification.Alert lead = lead(firing.isEmpty() ? notification.alerts() : firing);
      Instant since =
          firing.stream().map(Notification.Alert::since).min(Comparator.naturalOrder()).orElse(now);
      lines.add(
          "🔁 *Still firing* after "
              + PlainWords.duration(Duration.between(since, now))
              + (firing.size() > 1 ? " (" + firing.size() + " alerts)" : "")
              + ": "
              + escape(PlainWords.reason(lead.event())));
    } else {
      for (Notification.Alert alert : sorted(notification.alerts())) {
        if (alert.changed() || notification.kind() == Notification.Kind.FIRST) {
          lines.add(line(alert, now, several));
        }
      }
      if (lines.isEmpty()) {
        lines.add(line(lead(notification.alerts()), now, several));
      }
    }
    String text = String.join("\n", lines);
    ArrayNode blocks = JSON.createArrayNode();
    section(blocks, text);
    return new Message(truncate(stripMarkup(text), MAX_TEXT), null, blocks);
  }

  private static String line(Notification.Alert alert, Instant now, boolean named) {
    String who = named ? " " + escape(instanceLabel(alert.event())) : "";
    if (alert.status() == Notification.Status.RESOLVED) {
      Instant until = alert.until() == null ? now : alert.until();
      String after = PlainWords.duration(Duration.between(alert.since(), until));
      String resolvedTo =
          alert.event().detail().state().value() == AlarmState.INSUFFICIENT_DATA
              ? " (now INSUFFICIENT_DATA)"
              : "";
      return "✅ *Resolved*"
          + who
          + " after "
          + after
          + resolvedTo
          + " — "
          + escape(PlainWords.reason(alert.event()));
    }
    Look look = look(alert);
    return look.emoji
        + " *"
        + stateName(alert.event())
        + "*"
        + who
        + " — "
        + escape(PlainWords.reason(alert.event()));
  }

  private static String shortLine(Notification.Alert alert, Instant now) {
    if (alert.status() == Notification.Status.RESOLVED) {
      Instant until = alert.until() == null ? now : alert.until();
      return "resolved after "
          + PlainWords.duration(Duration.between(alert.since(), until))
          + " — "
          + PlainWords.reason(alert.event());
    }
    return PlainWords.reason(alert.event());
  }

  /** Our own leading words are capitalized; a metric name never is. */
  private static String capitalized(String text) {
    if (text.startsWith("resolved ") || text.startsWith("not ")) {
      return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
    return text;
  }

  private static String summary(List<Notification.Alert> alerts) {
    long firing = alerts.stream().filter(a -> a.status() == Notification.Status.FIRING).count();
    long resolved = alerts.size() - firing;
    List<String> parts = new ArrayList<>();
    if (firing > 0) {
      parts.add(firing + " firing");
    }
    if (resolved > 0) {
      parts.add(resolved + " resolved");
    }
    return String.join(", ", parts);
  }

  private static String list(List<Notification.Alert> alerts, Instant now) {
    List<String> lines = new ArrayList<>();
    for (Notification.Alert alert : alerts.subList(0, Math.min(MAX_ALERTS_LISTED, alerts.size()))) {
      lines.add("• " + line(alert, now, true));
    }
    if (alerts.size() > MAX_ALERTS_LISTED) {
      lines.add("… and " + (alerts.size() - MAX_ALERTS_LISTED) + " more");
    }
    return String.join("\n", lines);
  }

  private static ArrayNode fields(Notification.Alert alert, Instant now) {
    ArrayNode fields = JSON.createArrayNode();
    AlarmStateChange.Detail detail = alert.event().detail();
    String severity = detail.labels().get("severity");
    if (severity != null) {
      field(fields, "Severity", severity);
    }
    field(fields, "Since", date(alert.since()));
    if (alert.status() == Notification.Status.RESOLVED) {
      Instant until = alert.until() == null ? now : alert.until();
      field(
          fields,
          "Resolved",
          date(until)
              + " (after "
              + PlainWords.duration(Duration.between(alert.since(), until))
              + ")");
    }
    Map<String, String> dimensions = new TreeMap<>();
    if (detail.configuration() != null && detail.configuration().dimensions() != null) {
      dimensions.putAll(detail.configuration().dimensions());
    }
    dimensions.putAll(detail.instance());
    dimensions.forEach((name, value) -> field(fields, name, value));
    while (fields.size() > 10) {
      fields.remove(fields.size() - 1);
    }
    return fields;
  }

  private static String links(
      Notification.Alert lead, List<Notification.Alert> alerts, Options options, Instant now) {
    List<String> links = new ArrayList<>();
    String runbook = lead.event().detail().runbook();
    if (runbook != null && !runbook.isBlank()) {
      links.add("<" + runbook + "|:book: Runbook>");
    }
    if (options.grafanaUrl() != null) {
      Instant from =
          alerts.stream().map(Notification.Alert::since).min(Comparator.naturalOrder()).orElse(now);
      Instant to =
          alerts.stream()
              .map(alert -> alert.until() == null ? alert.event().time() : alert.until())
              .filter(time -> time != null)
              .max(Comparator.naturalOrder())
              .orElse(now);
      String separator = options.grafanaUrl().contains("?") ? "&" : "?";
      links.add(
          "<"
              + options.grafanaUrl()
              + separator
              + "from="
              + from.minus(Duration.ofHours(1)).toEpochMilli()
              + "&to="
              + to.plus(Duration.ofMinutes(15)).toEpochMilli()
              + "|:chart_with_upwards_trend: Grafana>");
    }
    return String.join("   ", links);
  }

  private static Look look(Notification notification, Notification.Alert lead) {
    return notification.allResolved() ? Look.RESOLVED : look(lead);
  }

  private static Look look(Notification.Alert alert) {
    if (alert.status() == Notification.Status.RESOLVED) {
      return Look.RESOLVED;
    }
    if (alert.event().detail().state().value() == AlarmState.INSUFFICIENT_DATA) {
      return Look.NO_DATA;
    }
    String severity =
        alert.event().detail().labels().getOrDefault("severity", "").toLowerCase(Locale.ROOT);
    return switch (severity) {
      case "warning", "warn", "medium", "minor" -> Look.WARNING;
      case "info", "informational", "low", "none" -> Look.INFO;
      default -> Look.CRITICAL;
    };
  }

  /** The alert that leads the message: firing before resolved, most severe, oldest. */
  private static Notification.Alert lead(List<Notification.Alert> alerts) {
    return alerts.stream()
        .min(
            Comparator.comparing(
                    (Notification.Alert alert) -> alert.status() == Notification.Status.RESOLVED)
                .thenComparing(alert -> look(alert).ordinal())
                .thenComparing(Notification.Alert::since))
        .orElseThrow();
  }

  private static List<Notification.Alert> sorted(List<Notification.Alert> alerts) {
    return alerts.stream()
        .sorted(
            Comparator.comparing(
                    (Notification.Alert alert) -> alert.status() == Notification.Status.RESOLVED)
                .thenComparing(alert -> alert.event().alarmInstance()))
        .toList();
  }

  private static String stateName(AlarmStateChange event) {
    return event.detail().state().value() == AlarmState.INSUFFICIENT_DATA
        ? "INSUFFICIENT DATA"
        : event.detail().state().value().name();
  }

  private static String title(List<Notification.Alert> alerts) {
    List<String> names =
        alerts.stream().map(alert -> alert.event().detail().alarmName()).distinct().toList();
    if (names.size() > 1) {
      return alerts.size() + " alerts: " + String.join(", ", names);
    }
    if (alerts.size() > 1) {
      return names.get(0) + " (" + alerts.size() + " alerts)";
    }
    String instance = instanceLabel(alerts.get(0).event());
    return names.get(0) + (instance.isEmpty() ? "" : " (" + instance + ")");
  }

  private static String fallbackName(List<Notification.Alert> alerts) {
    if (alerts.size() == 1) {
      return alerts.get(0).event().alarmInstance();
    }
    List<String> names =
        alerts.stream().map(alert -> alert.event().detail().alarmName()).distinct().toList();
    return String.join(", ", names) + " (" + alerts.size() + " alerts)";
  }

  private static String instanceLabel(AlarmStateChange event) {
    Map<String, String> instance = new TreeMap<>(event.detail().instance());
    if (instance.isEmpty()) {
      return event.detail().alarmName().equals(event.alarmInstance()) ? "" : event.alarmInstance();
    }
    return instance.entrySet().stream()
        .map(entry -> entry.getKey() + "=" + entry.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String description(AlarmStateChange event) {
    AlarmStateChange.Configuration config = event.detail().configuration();
    return config == null || config.description() == null ? "" : config.description().strip();
  }

  /** Slack's date token: shown in each reader's time zone, with a UTC fallback. */
  private static String date(Instant instant) {
    return "<!date^"
        + instant.getEpochSecond()
        + "^{date_short_pretty} {time}|"
        + FALLBACK_TIME.format(instant)
        + ">";
  }

  private static void field(ArrayNode fields, String name, String value) {
    fields.add(
        mrkdwn("*" + escape(name) + "*\n" + (value.startsWith("<!date^") ? value : escape(value))));
  }

  private static void section(ArrayNode blocks, String text) {
    blocks.addObject().put("type", "section").set("text", mrkdwn(truncate(text, MAX_TEXT)));
  }

  private static void context(ArrayNode blocks, String text) {
    ObjectNode context = blocks.addObject().put("type", "context");
    context.putArray("elements").add(mrkdwn(truncate(text, MAX_TEXT)));
  }

  private static ObjectNode plain(String text) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "plain_text");
    node.put("text", text);
    node.put("emoji", true);
    return node;
  }

  private static ObjectNode mrkdwn(String text) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "mrkdwn");
    node.put("text", text);
    return node;
  }

  /** Slack's three control characters in mrkdwn text. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String stripMarkup(String text) {
    return text.replace("*", "");
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
