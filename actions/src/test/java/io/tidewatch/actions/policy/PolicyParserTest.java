package io.tidewatch.actions.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

  private static final Map<String, Object> SECTION =
      Map.of(
          "route",
          Map.of(
              "receiver",
              "ops-slack",
              "groupBy",
              List.of("alarmName"),
              "repeatInterval",
              "2h",
              "routes",
              List.of(
                  Map.of(
                      "matchers",
                      List.of("team=\"web\"", "severity=~\"page|critical\""),
                      "receiver",
                      "web-slack",
                      "groupWait",
                      "10s",
                      "muteTimeWindows",
                      List.of("nights"),
                      "continue",
                      true),
                  Map.of("matchers", List.of("team=~\"web|db\""), "receiver", "platform-slack"),
                  Map.of("matchers", List.of("team=\"web\""), "receiver", "never-reached"))),
          "receivers",
          Map.of("web-slack", Map.of("type", "slack", "channel", "#web-alerts")),
          "muteTimeWindows",
          Map.of(
              "nights",
              List.of(
                  Map.of(
                      "weekdays", List.of("monday:friday"),
                      "times", List.of(Map.of("start", "22:00", "end", "07:00")),
                      "timezone", "Europe/Berlin"))));

  @Test
  void shouldReadASectionAndRouteLikeAlertmanager() {
    NotificationPolicy policy = PolicyParser.parse(SECTION);
    assertThat(policy.receivers()).containsKey("web-slack");
    assertThat(policy.muteTimeWindows().get("nights").intervals().get(0).weekdays())
        .containsExactlyInAnyOrder(
            DayOfWeek.MONDAY,
            DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY);

    List<NotificationPolicy.Match> web =
        policy.route(
            "ops-slack", Map.of("team", "web", "severity", "page", "alarmName", "web-cpu"));
    assertThat(web)
        .extracting(NotificationPolicy.Match::receiver)
        .containsExactly("web-slack", "platform-slack");
    NotificationPolicy.Match first = web.get(0);
    assertThat(first.routePath()).isEqualTo("0.0");
    assertThat(first.timing())
        .isEqualTo(new Timing(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(2)));
    assertThat(first.groupBy()).containsExactly("alarmName");
    assertThat(first.muteTimeWindows()).extracting(MuteTimeWindow::name).containsExactly("nights");
    assertThat(first.groupKey()).isEqualTo("web-slack/0.0/{alarmName=web-cpu}");

    assertThat(policy.route("ops-slack", Map.of("team", "db")))
        .extracting(NotificationPolicy.Match::receiver)
        .containsExactly("platform-slack");
    assertThat(policy.route("ops-slack", Map.of("team", "mobile")))
        .singleElement()
        .satisfies(
            match -> {
              assertThat(match.receiver()).isEqualTo("ops-slack");
              assertThat(match.timing())
                  .isEqualTo(
                      new Timing(
                          Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(2)));
            });
    assertThat(policy.receiverNames())
        .containsExactly("never-reached", "ops-slack", "platform-slack", "web-slack");
  }

  @Test
  void shouldDefaultTheRootReceiverToTheAction() {
    NotificationPolicy policy = PolicyParser.parse(Map.of("route", Map.of()));
    assertThat(policy.route("ops-slack", Map.of("alarmName", "a")))
        .singleElement()
        .satisfies(
            match -> {
              assertThat(match.receiver()).isEqualTo("ops-slack");
              assertThat(match.timing()).isEqualTo(Timing.ALERTMANAGER);
              assertThat(match.groupBy()).isEmpty();
            });
  }

  @Test
  void shouldMakeEveryAlertItsOwnGroupWithoutASection() {
    NotificationPolicy none = PolicyParser.parse(null);
    List<NotificationPolicy.Match> a =
        none.route("ops-slack", Map.of("alarmInstance", "x{host=a}"));
    List<NotificationPolicy.Match> b =
        none.route("ops-slack", Map.of("alarmInstance", "x{host=b}"));
    assertThat(a.get(0).timing()).isEqualTo(Timing.IMMEDIATE);
    assertThat(a.get(0).groupKey()).isNotEqualTo(b.get(0).groupKey());
  }

  @Test
  void shouldReportEveryProblemWithItsPath() {
    Map<String, Object> bad =
        Map.of(
            "route",
            Map.of(
                "matchers", List.of("team=\"web\""),
                "groupWait", "soon",
                "groupBy", List.of("...", "host"),
                "recevier", "x",
                "muteTimeWindows", List.of("weekends"),
                "routes",
                    List.of(Map.of("matchers", List.of("team", "host=~\"(\""), "continue", "yes"))),
            "receivers",
            Map.of("web", Map.of("channel", "#web")),
            "muteTimeWindows",
            Map.of(
                "nights",
                List.of(
                    Map.of(
                        "weekdays",
                        List.of("funday"),
                        "times",
                        List.of(Map.of("start", 2200, "end", "25:00")),
                        "timezone",
                        "Mars/Olympus"))),
            "inhibitRules",
            List.of());
    assertThatThrownBy(() -> PolicyParser.parse(bad))
        .isInstanceOf(PolicyException.class)
        .satisfies(
            e ->
                assertThat(((PolicyException) e).problems())
                    .contains(
                        "notifications.inhibitRules: unknown key (known: muteTimeWindows, receivers, route)",
                        "notifications.route.recevier: unknown key (known: continue, groupBy, groupInterval, groupWait, matchers, muteTimeWindows, receiver, repeatInterval, routes)",
                        "notifications.route.groupWait: a duration like 30s, 5m, 4h or 1d. Found: \"soon\"",
                        "notifications.route.groupBy: \"...\" already means every label; list nothing else with it",
                        "notifications.route.routes[0].continue: true or false. Found: \"yes\"",
                        "notifications.receivers.web.type: the receiver's type, e.g. slack. Found: nothing",
                        "notifications.muteTimeWindows.nights[0].weekdays[0]: a weekday (monday ... sunday). Found: \"funday\"",
                        "notifications.muteTimeWindows.nights[0].times[0].start: a time like \"22:00\" (quote it in YAML). Found: 2200 (Integer)",
                        "notifications.muteTimeWindows.nights[0].times[0].end: a time like \"22:00\". Found: \"25:00\"",
                        "notifications.muteTimeWindows.nights[0].timezone: a time zone like Europe/Berlin or UTC. Found: \"Mars/Olympus\"",
                        "notifications.route.matchers: the root route matches every alert; put matchers on its routes",
                        "notifications.muteTimeWindows: no window named 'weekends' (used by a route; defined: [nights])")
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "notifications.route.routes[0].matchers[0]: a matcher like"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "notifications.route.routes[0].matchers[1]: not a valid regular expression")));
  }

  @Test
  void shouldParseAndMatchLabelMatchers() {
    assertThat(Matcher.parse("team=\"web\"").matches(Map.of("team", "web"))).isTrue();
    assertThat(Matcher.parse("team!=web").matches(Map.of())).isTrue();
    assertThat(Matcher.parse("severity=~\"page|critical\"").matches(Map.of("severity", "critical")))
        .isTrue();
    assertThat(Matcher.parse("severity=~\"page|critical\"").matches(Map.of("severity", "paged")))
        .as("anchored")
        .isFalse();
    assertThat(Matcher.parse("host!~\"canary-.*\"").matches(Map.of("host", "canary-1"))).isFalse();
    assertThat(Matcher.parse(" msg = \"a \\\"quoted\\\" word\" ").value())
        .isEqualTo("a \"quoted\" word");
    assertThat(Matcher.parse("team=~\"web|db\"").toString()).isEqualTo("team=~\"web|db\"");
    assertThatThrownBy(() -> Matcher.parse("9team=web")).hasMessageContaining("a matcher like");
    // RE2: no catastrophic backtracking on a classic ReDoS pattern
    Matcher redos = Matcher.parse("x=~\"(a+)+$\"");
    assertThat(redos.matches(Map.of("x", "a".repeat(5000) + "!"))).isFalse();
  }

  @Test
  void shouldKeepInnerSpacesAndDropOuterOnesWhenValueIsUnquoted() {
    Matcher spaced = Matcher.parse("\tteam =  x" + " ".repeat(1000) + "y \r\n");

    assertThat(spaced.label()).isEqualTo("team");
    assertThat(spaced.op()).isEqualTo(Matcher.Op.EQUAL);
    assertThat(spaced.value()).isEqualTo("x" + " ".repeat(1000) + "y");
    assertThat(Matcher.parse("team=").value()).isEmpty();
    assertThat(Matcher.parse("a.b_c!~\"x\"").op()).isEqualTo(Matcher.Op.NOT_REGEX);
    assertThatThrownBy(() -> Matcher.parse("team")).hasMessageContaining("a matcher like");
    assertThatThrownBy(() -> Matcher.parse("=web")).hasMessageContaining("a matcher like");
    assertThatThrownBy(() -> Matcher.parse("team<>web")).hasMessageContaining("a matcher like");
  }

  @Test
  void shouldRefuseMatcherByItsLengthWhenLongerThanTheLimit() {
    // issue 11's probe: the old backtracking syntax took 15 s on it
    String probe = "team=x" + " ".repeat(50_000) + "y";

    assertThatThrownBy(() -> Matcher.parse(probe))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a matcher is at most 1024 characters, found 50007");
    assertThatThrownBy(() -> new Matcher("team", Matcher.Op.EQUAL, "x".repeat(1025)))
        .hasMessageContaining("at most 1024 characters");
    assertThat(Matcher.parse("team=" + "x".repeat(1019)).value()).hasSize(1019);
  }
}
