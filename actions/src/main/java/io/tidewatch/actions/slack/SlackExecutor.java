package io.tidewatch.actions.slack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.util.http.SlackHttpClient;
import io.tidewatch.actions.core.ActionExecutor;
import io.tidewatch.actions.core.ActionRequest;
import io.tidewatch.actions.core.ActionResult;
import io.tidewatch.actions.core.Notification;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * Posts and updates the Slack messages of one {@code slack} action. One channel message per alert
 * group episode; everything after it goes into its thread, and the channel message is edited to
 * show the current state.
 */
final class SlackExecutor implements ActionExecutor {

  /** Errors Slack answers with {@code ok:false} that a later attempt may not get. */
  private static final Set<String> TRANSIENT_ERRORS =
      Set.of(
          "ratelimited",
          "rate_limited",
          "internal_error",
          "fatal_error",
          "service_unavailable",
          "request_timeout",
          "team_added_to_org");

  /** The channel message is gone or may not be edited: start a new one instead. */
  private static final Set<String> PARENT_GONE =
      Set.of("message_not_found", "cant_update_message", "edit_window_closed");

  static final String THREAD_CHANNEL = "thread.channel";
  static final String THREAD_TS = "thread.ts";

  private final String action;
  private final String channel;
  private final SlackMessages.Options options;
  private final String apiUrl;
  private final Clock clock;
  private final Slack slack;
  private final MethodsClient methods;
  private final ChannelGate gate = new ChannelGate(Duration.ofSeconds(1));

  SlackExecutor(
      String action,
      String channel,
      SlackMessages.Options options,
      String apiUrl,
      String token,
      Clock clock) {
    this.action = action;
    this.channel = channel;
    this.options = options;
    this.apiUrl = apiUrl;
    this.clock = clock;
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(apiUrl);
    config.setStatsEnabled(false);
    config.setHttpClientCallTimeoutMillis(30_000);
    // No transparent re-sends: a POST that may have reached Slack is retried by the worker, which
    // records it, not by the HTTP client.
    OkHttpClient http =
        SlackHttpClient.buildOkHttpClient(config)
            .newBuilder()
            .retryOnConnectionFailure(false)
            .build();
    SlackHttpClient client = new SlackHttpClient(http);
    client.setConfig(config);
    this.slack = Slack.getInstance(config, client);
    this.methods = slack.methods(token);
  }

  @Override
  public ActionResult execute(ActionRequest request) {
    Optional<Notification> notification = request.notification();
    if (notification.isEmpty()) {
      return new ActionResult.Permanent(
          "the slack provider sends notifications; it was given a bare transition");
    }
    Notification n = notification.get();
    Instant now = clock.instant();
    String target = target(n);
    try {
      return switch (n.kind()) {
        case FIRST -> postParent(n, now);
        case UPDATE -> update(n, now);
        case REPEAT -> reply(n, now, n.thread());
      };
    } catch (SlackApiException e) {
      return httpFailure(e, target, now);
    } catch (IOException e) {
      return ActionResult.Retryable.of(
          "cannot reach Slack at "
              + apiUrl
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
    } catch (RefusedException e) {
      return e.result;
    }
  }

  private ActionResult postParent(Notification n, Instant now)
      throws IOException, SlackApiException {
    SlackMessages.Message message = SlackMessages.parent(n, options, now);
    ChatPostMessageResponse response =
        methods.chatPostMessage(
            ChatPostMessageRequest.builder()
                .channel(channel)
                .text(message.text())
                .attachmentsAsString(SlackMessages.JSON.writeValueAsString(message.attachments()))
                .metadataAsString(metadata(n))
                .unfurlLinks(false)
                .unfurlMedia(false)
                .build());
    check("chat.postMessage", response, channel);
    gate.learn(channel, response.getChannel());
    Map<String, String> detail = new HashMap<>();
    detail.put(THREAD_CHANNEL, response.getChannel());
    detail.put(THREAD_TS, response.getTs());
    detail.put("channel", response.getChannel());
    detail.put("ts", response.getTs());
    detail.put("slack.calls", "chat.postMessage");
    return new ActionResult.Succeeded(detail);
  }

  private ActionResult update(Notification n, Instant now) throws IOException, SlackApiException {
    String threadChannel = n.thread().get(THREAD_CHANNEL);
    String threadTs = n.thread().get(THREAD_TS);
    if (threadChannel == null || threadTs == null) {
      return postParent(n, now);
    }
    SlackMessages.Message parent = SlackMessages.parent(n, options, now);
    ChatUpdateResponse updated =
        methods.chatUpdate(
            ChatUpdateRequest.builder()
                .channel(threadChannel)
                .ts(threadTs)
                .text(parent.text())
                .attachmentsAsString(SlackMessages.JSON.writeValueAsString(parent.attachments()))
                .build());
    if (!updated.isOk() && PARENT_GONE.contains(updated.getError())) {
      // The message was deleted or is too old to edit: tell the story in a new message.
      return postParent(n, now);
    }
    check("chat.update", updated, threadChannel);
    ActionResult replied = reply(n, now, n.thread());
    if (replied instanceof ActionResult.Succeeded succeeded) {
      Map<String, String> detail = new HashMap<>(succeeded.detail());
      detail.put("slack.calls", "chat.update,chat.postMessage");
      return new ActionResult.Succeeded(detail);
    }
    return replied;
  }

  private ActionResult reply(Notification n, Instant now, Map<String, String> thread)
      throws IOException, SlackApiException {
    String threadChannel = thread.get(THREAD_CHANNEL);
    String threadTs = thread.get(THREAD_TS);
    if (threadChannel == null || threadTs == null) {
      return postParent(n, now);
    }
    SlackMessages.Message message = SlackMessages.reply(n, now);
    ChatPostMessageResponse response =
        methods.chatPostMessage(
            ChatPostMessageRequest.builder()
                .channel(threadChannel)
                .threadTs(threadTs)
                .text(message.text())
                .blocksAsString(SlackMessages.JSON.writeValueAsString(message.blocks()))
                .metadataAsString(metadata(n))
                .unfurlLinks(false)
                .unfurlMedia(false)
                .build());
    check("chat.postMessage", response, threadChannel);
    Map<String, String> detail = new HashMap<>();
    detail.put(THREAD_CHANNEL, threadChannel);
    detail.put(THREAD_TS, threadTs);
    detail.put("channel", response.getChannel());
    detail.put("ts", response.getTs());
    detail.put("slack.calls", "chat.postMessage");
    return new ActionResult.Succeeded(detail);
  }

  /** Our id in Slack's message metadata, so a delivery can be found in the channel's history. */
  private static String metadata(Notification n) {
    ObjectNode metadata = SlackMessages.JSON.createObjectNode();
    metadata.put("event_type", "tidewatch_notification");
    ObjectNode payload = metadata.putObject("event_payload");
    payload.put("notification_id", n.id());
    payload.put("group_key", n.groupKey());
    return metadata.toString();
  }

  private void check(String method, SlackApiTextResponse response, String target) {
    if (response.isOk()) {
      return;
    }
    String error = response.getError() == null ? "unknown_error" : response.getError();
    String needed =
        response.getNeeded() == null ? "" : " (needed scope: " + response.getNeeded() + ")";
    String reason = "Slack refused " + method + " to " + target + ": " + error + needed;
    if (TRANSIENT_ERRORS.contains(error)) {
      throw new RefusedException(ActionResult.Retryable.of(reason));
    }
    throw new RefusedException(new ActionResult.Permanent(reason));
  }

  private ActionResult httpFailure(SlackApiException e, String target, Instant now) {
    int status = e.getResponse().code();
    String error =
        e.getError() == null || e.getError().getError() == null
            ? ""
            : ": " + e.getError().getError();
    if (status == 429) {
      Duration after = retryAfter(e.getResponse().header("Retry-After"));
      gate.block(target, now.plus(after));
      return new ActionResult.Retryable(
          "Slack rate limited the post to "
              + target
              + " (429, Retry-After "
              + after.toSeconds()
              + "s)",
          Optional.of(after));
    }
    String reason = "Slack answered HTTP " + status + error + " for a post to " + target;
    if (status >= 500 || status == 408) {
      return ActionResult.Retryable.of(reason);
    }
    return new ActionResult.Permanent(reason);
  }

  private static Duration retryAfter(String header) {
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(header == null ? "1" : header.trim())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  @Override
  public ActionResult.Planned plan(ActionRequest request) {
    Optional<Notification> notification = request.notification();
    if (notification.isEmpty()) {
      return new ActionResult.Planned(
          Map.of("plan", "nothing: the slack provider sends notifications"));
    }
    Notification n = notification.get();
    Instant now = clock.instant();
    String threadChannel = n.thread().get(THREAD_CHANNEL);
    String threadTs = n.thread().get(THREAD_TS);
    String plan;
    if (n.kind() == Notification.Kind.FIRST || threadChannel == null || threadTs == null) {
      plan =
          "chat.postMessage channel="
              + channel
              + " text="
              + SlackMessages.parent(n, options, now).text();
    } else {
      String reply =
          "chat.postMessage channel="
              + threadChannel
              + " thread_ts="
              + threadTs
              + " text="
              + SlackMessages.reply(n, now).text();
      plan =
          n.kind() == Notification.Kind.REPEAT
              ? reply
              : "chat.update channel=" + threadChannel + " ts=" + threadTs + "; " + reply;
    }
    return new ActionResult.Planned(Map.of("plan", plan, "channel", channel));
  }

  @Override
  public Duration throttle(ActionRequest request) {
    return request
        .notification()
        .map(n -> gate.reserve(target(n), clock.instant()))
        .orElse(Duration.ZERO);
  }

  private String target(Notification n) {
    String threadChannel = n.thread().get(THREAD_CHANNEL);
    return n.kind() == Notification.Kind.FIRST || threadChannel == null ? channel : threadChannel;
  }

  @Override
  public void close() {
    try {
      slack.close();
    } catch (Exception e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "slack(" + action + " -> " + channel + " via " + apiUrl + ")";
  }

  /** An {@code ok:false} answer, carried out of the call chain as its result. */
  private static final class RefusedException extends RuntimeException {
    private final transient ActionResult result;

    RefusedException(ActionResult result) {
      super(null, null, false, false);
      this.result = result;
    }
  }
}
