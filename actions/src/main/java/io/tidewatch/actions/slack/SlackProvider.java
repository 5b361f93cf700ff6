package io.tidewatch.actions.slack;

import io.tidewatch.actions.core.ActionExecutor;
import io.tidewatch.actions.core.ActionProvider;
import io.tidewatch.actions.core.ProviderContext;
import io.tidewatch.actions.core.ProviderLimits;
import io.tidewatch.rules.ActionDefinition;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Slack notifications ({@code type: slack}) through the Slack Web API with {@code
 * slack-api-client}: {@code chat.postMessage} for the first message of an alert group, {@code
 * chat.update} and a thread reply when it changes or resolves, thread replies for repeats.
 *
 * <pre>
 * actions:
 *   ops-slack: {type: slack, channel: "#ops-alerts", grafanaUrl: "https://grafana.example.com/d/web"}
 * </pre>
 *
 * The bot token comes from {@code SLACK_BOT_TOKEN}, never from rule files; the Web API base URL
 * from {@code TIDEWATCH_SLACK_API_URL} (default {@code https://slack.com/api/}).
 */
public final class SlackProvider implements ActionProvider {

  public static final String TYPE = "slack";
  public static final String TOKEN_VARIABLE = "SLACK_BOT_TOKEN";
  public static final String API_URL_VARIABLE = "TIDEWATCH_SLACK_API_URL";
  public static final String DEFAULT_API_URL = "https://slack.com/api/";

  static final String CHANNEL = "channel";
  static final String GRAFANA_URL = "grafanaUrl";
  private static final Set<String> KNOWN = new TreeSet<>(List.of(CHANNEL, GRAFANA_URL));

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> validate(Map<String, Object> settings) {
    List<String> problems = new ArrayList<>();
    Object channel = settings.get(CHANNEL);
    if (!(channel instanceof String name)
        || !(name.matches("#[a-z0-9][a-z0-9._-]{0,79}") || name.matches("[CGD][A-Z0-9]{6,}"))) {
      problems.add(
          CHANNEL
              + ": a channel name like \"#ops-alerts\" (lower case, quoted in YAML) or a channel id"
              + " like C0123ABCD. Found: "
              + describe(channel));
    }
    Object grafana = settings.get(GRAFANA_URL);
    if (grafana != null && !(grafana instanceof String url && isHttpUrl(url))) {
      problems.add(
          GRAFANA_URL + ": an http(s) URL of a Grafana dashboard. Found: " + describe(grafana));
    }
    for (String key : settings.keySet()) {
      if (!KNOWN.contains(key)) {
        problems.add(
            key
                + ": unknown setting of a slack action (known: "
                + String.join(", ", KNOWN)
                + "; the token comes from "
                + TOKEN_VARIABLE
                + ")");
      }
    }
    return problems;
  }

  @Override
  public ActionExecutor executor(ActionDefinition definition, ProviderContext context) {
    List<String> problems = validate(definition.settings());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String token =
        context
            .env(TOKEN_VARIABLE)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        TOKEN_VARIABLE
                            + " is not set: export the bot token of your Slack app (xoxb-...) to"
                            + " post to Slack"));
    String apiUrl = context.env(API_URL_VARIABLE).orElse(DEFAULT_API_URL);
    if (!isHttpUrl(apiUrl)) {
      throw new IllegalArgumentException(
          API_URL_VARIABLE + ": an http(s) URL like " + DEFAULT_API_URL + ". Found: " + apiUrl);
    }
    return new SlackExecutor(
        definition.name(),
        (String) definition.settings().get(CHANNEL),
        new SlackMessages.Options((String) definition.settings().get(GRAFANA_URL)),
        apiUrl.endsWith("/") ? apiUrl : apiUrl + "/",
        token,
        context.clock());
  }

  @Override
  public ProviderLimits limits() {
    return new ProviderLimits(4, 20.0, 1000);
  }

  @Override
  public Delivery delivery() {
    return Delivery.NOTIFICATION;
  }

  private static boolean isHttpUrl(String text) {
    try {
      URI uri = new URI(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    return value instanceof String
        ? "\"" + value + "\""
        : value + " (" + value.getClass().getSimpleName() + ")";
  }
}
