package io.tidewatch.actions.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.methods.RequestFormBuilder;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import io.tidewatch.actions.core.Notification;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Slack messages people read, as golden Block Kit JSON. */
class SlackMessagesTest {

  static final Instant FIRED = Instant.parse("2026-11-22T04:05:00Z");
  static final Instant RESOLVED = Instant.parse("2026-11-22T04:17:00Z");
  static final SlackMessages.Options GRAFANA =
      new SlackMessages.Options("https://grafana.example.com/d/web-hosts/web?orgId=1");

  /** An event shaped like the alarm processor's, with CloudWatch-style reasonData. */
  static AlarmStateChange event(
      String host,
      AlarmState state,
      AlarmState previous,
      Instant at,
      String severity,
      List<Double> recent) {
    StringBuilder evaluated = new StringBuilder();
    for (int i = recent.size() - 1; i >= 0; i--) {
      if (evaluated.length() > 0) {
        evaluated.append(',');
      }
      evaluated
          .append("{\"timestamp\":\"")
          .append(at.minus(Duration.ofMinutes(recent.size() - i)))
          .append("\",\"value\":")
          .append(recent.get(i))
          .append('}');
    }
    String reasonData =
        "{\"version\":\"1.0\",\"statistic\":\"Average\",\"period\":60,\"recentDatapoints\":"
            + recent
            + ",\"threshold\":70.0,\"evaluatedDatapoints\":["
            + evaluated
            + "]}";
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            "web-cpu-high",
            "web-cpu-high{host=" + host + "}",
            Map.of("host", host),
            new AlarmStateChange.State(
                state, "Threshold Crossed: CloudWatch-style reason", reasonData, at),
            new AlarmStateChange.State(previous, "before", null, at.minus(Duration.ofMinutes(12))),
            new AlarmStateChange.Configuration(
                "CPU of a web host above 70% for 3 of the last 5 minutes",
                "Host",
                "cpu_utilization",
                Map.of("service", "web"),
                "Average",
                60,
                5,
                3,
                "GreaterThanThreshold",
                70.0,
                "missing"),
            Map.of("severity", severity, "team", "web", "unit", "%"),
            "https://wiki.example.com/runbooks/web-cpu");
    return AlarmStateChange.of(
        "transition-" + host + "-" + state + "-" + at.getEpochSecond(), at, detail);
  }

  static final List<Double> HOT = List.of(52.0, 61.5, 88.0, 95.5, 91.2);
  static final List<Double> COOL = List.of(91.2, 75.0, 58.0, 44.0, 41.75);

  private static Notification notification(
      Notification.Kind kind, Map<String, String> thread, Notification.Alert... alerts) {
    return new Notification(
        "n-1",
        "ops-slack",
        "ops-slack/-/{...}",
        kind,
        List.of(alerts),
        thread,
        kind == Notification.Kind.REPEAT ? 1 : 0);
  }

  private static final Map<String, String> THREAD =
      Map.of(
          SlackExecutor.THREAD_CHANNEL, "COPSALERTS", SlackExecutor.THREAD_TS, "1700000000.000101");

  private static ObjectNode json(SlackMessages.Message message) {
    ObjectNode node = SlackMessages.JSON.createObjectNode();
    node.put("text", message.text());
    if (message.attachments() != null) {
      node.set("attachments", message.attachments());
    }
    if (message.blocks() != null) {
      node.set("blocks", message.blocks());
    }
    return node;
  }

  @Test
  void shouldRenderAFiringAlarmWithReasonDimensionsDatapointsAndLinks() {
    Notification.Alert firing =
        new Notification.Alert(
            event("web-1", AlarmState.ALARM, AlarmState.OK, FIRED, "page", HOT),
            Notification.Status.FIRING,
            true,
            FIRED,
            null);
    SlackMessages.Message message =
        SlackMessages.parent(
            notification(Notification.Kind.FIRST, Map.of(), firing), GRAFANA, FIRED);
    assertThat(message.text())
        .isEqualTo(
            "🔴 ALARM web-cpu-high{host=web-1}: cpu_utilization 91.2% &gt; 70% for 3 of the last 5 minutes");
    Golden.assertMatches("slack/firing.json", json(message));
  }

  @Test
  void shouldGiveTheSlackClientNothingToWarnAboutWhenAChannelMessageIsUpdated() throws Exception {
    Notification.Alert firing =
        new Notification.Alert(
            event("web-1", AlarmState.ALARM, AlarmState.OK, FIRED, "page", HOT),
            Notification.Status.FIRING,
            true,
            FIRED,
            null);
    SlackMessages.Message message =
        SlackMessages.parent(
            notification(Notification.Kind.FIRST, Map.of(), firing), GRAFANA, FIRED);
    ChatUpdateRequest update =
        ChatUpdateRequest.builder()
            .channel("COPSALERTS")
            .ts("1700000000.000101")
            .text(message.text())
            .attachmentsAsString(SlackMessages.JSON.writeValueAsString(message.attachments()))
            .build();

    // slf4j-simple writes WARN lines to the System.err of the moment.
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      RequestFormBuilder.toForm(update).build();
    } finally {
      System.setErr(err);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("is missing");
    assertThat(message.attachments())
        .allSatisfy(a -> assertThat(a.path("fallback").asText()).isEqualTo(message.text()));
  }

  @Test
  void shouldRenderTheResolvedChannelMessageAndItsThreadReply() {
    Notification.Alert resolved =
        new Notification.Alert(
            event("web-1", AlarmState.OK, AlarmState.ALARM, RESOLVED, "page", COOL),
            Notification.Status.RESOLVED,
            true,
            FIRED,
            RESOLVED);
    Notification notification = notification(Notification.Kind.UPDATE, THREAD, resolved);
    Golden.assertMatches(
        "slack/resolved-parent.json", json(SlackMessages.parent(notification, GRAFANA, RESOLVED)));
    SlackMessages.Message reply = SlackMessages.reply(notification, RESOLVED);
    assertThat(reply.text())
        .isEqualTo("✅ Resolved after 12m — cpu_utilization 41.75%, back to ≤ 70%");
    Golden.assertMatches("slack/resolved-reply.json", json(reply));
  }

  @Test
  void shouldRenderARepeatAsAThreadReply() {
    Notification.Alert firing =
        new Notification.Alert(
            event("web-1", AlarmState.ALARM, AlarmState.OK, FIRED, "page", HOT),
            Notification.Status.FIRING,
            false,
            FIRED,
            null);
    SlackMessages.Message reply =
        SlackMessages.reply(
            notification(Notification.Kind.REPEAT, THREAD, firing),
            FIRED.plus(Duration.ofHours(4)));
    assertThat(reply.text()).startsWith("🔁 Still firing after 4h: cpu_utilization 91.2% &gt; 70%");
    Golden.assertMatches("slack/repeat-reply.json", json(reply));
  }

  @Test
  void shouldRenderAGroupOfAlertsWithTheirStatesAndTheMostSevereColor() {
    Notification.Alert warning =
        new Notification.Alert(
            event("web-2", AlarmState.ALARM, AlarmState.OK, FIRED.plusSeconds(60), "warning", HOT),
            Notification.Status.FIRING,
            true,
            FIRED.plusSeconds(60),
            null);
    Notification.Alert page =
        new Notification.Alert(
            event("web-1", AlarmState.ALARM, AlarmState.OK, FIRED, "page", HOT),
            Notification.Status.FIRING,
            false,
            FIRED,
            null);
    Notification.Alert resolved =
        new Notification.Alert(
            event("web-3", AlarmState.OK, AlarmState.ALARM, RESOLVED, "page", COOL),
            Notification.Status.RESOLVED,
            true,
            FIRED,
            RESOLVED);
    Notification notification =
        notification(Notification.Kind.UPDATE, THREAD, warning, page, resolved);
    Golden.assertMatches(
        "slack/group-parent.json",
        json(SlackMessages.parent(notification, SlackMessages.Options.NONE, RESOLVED)));
    Golden.assertMatches(
        "slack/group-reply.json", json(SlackMessages.reply(notification, RESOLVED)));
  }

  @Test
  void shouldRenderMissingDataInGrey() {
    Notification.Alert noData =
        new Notification.Alert(
            event("web-4", AlarmState.INSUFFICIENT_DATA, AlarmState.OK, FIRED, "page", List.of()),
            Notification.Status.FIRING,
            true,
            FIRED,
            null);
    SlackMessages.Message message =
        SlackMessages.parent(
            notification(Notification.Kind.FIRST, Map.of(), noData),
            SlackMessages.Options.NONE,
            FIRED);
    assertThat(message.attachments().get(0).get("color").asText()).isEqualTo("#98A2B3");
    Golden.assertMatches("slack/insufficient-data.json", json(message));
  }

  @Test
  void shouldFallBackToTheCloudWatchReasonWithoutConfiguration() {
    AlarmStateChange.Detail detail =
        new AlarmStateChange.Detail(
            "tidewatch-action-failed",
            "tidewatch-action-failed{action=ops-slack}",
            Map.of("action", "ops-slack"),
            new AlarmStateChange.State(
                AlarmState.ALARM,
                "Action ops-slack (slack) failed: channel_not_found",
                null,
                FIRED),
            null,
            null,
            Map.of("severity", "warning"),
            null);
    AlarmStateChange signal = AlarmStateChange.of("t", FIRED, detail);
    assertThat(PlainWords.reason(signal))
        .isEqualTo("Action ops-slack (slack) failed: channel_not_found");
    assertThat(PlainWords.sparkline(signal)).isEmpty();
  }

  @Test
  void shouldWriteNumbersDurationsAndWindowsForPeople() {
    assertThat(PlainWords.number(70.0, "")).isEqualTo("70");
    assertThat(PlainWords.number(91.25, "%")).isEqualTo("91.25%");
    assertThat(PlainWords.number(1234.5678, "ms")).isEqualTo("1234.57 ms");
    assertThat(PlainWords.duration(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(PlainWords.duration(Duration.ofMinutes(65))).isEqualTo("1h 5m");
    assertThat(PlainWords.duration(Duration.ofHours(51))).isEqualTo("2d 3h");
    assertThat(SlackMessages.escape("a < b & c > d")).isEqualTo("a &lt; b &amp; c &gt; d");
  }
}
