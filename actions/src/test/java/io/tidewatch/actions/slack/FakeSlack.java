package io.tidewatch.actions.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tidewatch.actions.core.ActionProviderCompatibilityKit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A local Slack Web API for tests (JDK HTTP server): answers {@code chat.postMessage} and {@code
 * chat.update} like Slack, records every request, and can be told to answer 429 with {@code
 * Retry-After}, 5xx or {@code ok:false} errors.
 */
public final class FakeSlack implements ActionProviderCompatibilityKit.Target {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request as Slack would see it: the method and its form parameters.
   *
   * @param answeredTs the message ts the answer carried (a thread's id); null without one
   */
  public record Request(
      String method,
      Map<String, String> params,
      String authorization,
      Instant at,
      int status,
      boolean ok,
      String answeredTs) {
    public String param(String name) {
      return params.get(name);
    }
  }

  /** A scripted answer. */
  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply rateLimited(int retryAfterSeconds) {
      return new Reply(429, Map.of("Retry-After", Integer.toString(retryAfterSeconds)), "");
    }

    public static Reply serverError() {
      return new Reply(503, Map.of(), "<html>service unavailable</html>");
    }

    public static Reply error(String code) {
      return new Reply(200, Map.of(), "{\"ok\":false,\"error\":\"" + code + "\"}");
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, Deque<Reply>> script = new HashMap<>();
  private final AtomicInteger ts = new AtomicInteger(100);
  private volatile Consumer<Request> onAnswered = request -> {};

  private FakeSlack(HttpServer server) {
    this.server = server;
  }

  public static FakeSlack start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeSlack slack = new FakeSlack(server);
    server.createContext("/api/", slack::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return slack;
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
  }

  /** The channel id this fake gives a channel name: {@code #ops-alerts} is {@code COPSALERTS}. */
  public static String channelId(String name) {
    return name.startsWith("#")
        ? "C" + name.substring(1).replaceAll("[^a-z0-9]", "").toUpperCase(Locale.ROOT)
        : name;
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  public synchronized List<Request> requests(String method) {
    return requests.stream().filter(request -> request.method().equals(method)).toList();
  }

  /** The next answers to {@code method}, in order; afterwards Slack answers normally again. */
  public synchronized void reply(String method, Reply... replies) {
    script.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(replies));
  }

  /** Called after each answer has been sent (e.g. to kill the worker right then). */
  public void onAnswered(Consumer<Request> hook) {
    this.onAnswered = hook;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestURI().getPath().substring("/api/".length());
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> params = form(body);
    Reply reply;
    synchronized (this) {
      Deque<Reply> queued = script.get(method);
      reply = queued == null || queued.isEmpty() ? normal(method, params) : queued.poll();
    }
    boolean ok = reply.status() == 200 && reply.body().contains("\"ok\":true");
    Request request =
        new Request(
            method,
            params,
            exchange.getRequestHeaders().getFirst("Authorization"),
            Instant.now(),
            reply.status(),
            ok,
            ok ? answeredTs(reply.body()) : null);
    synchronized (this) {
      requests.add(request);
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
    onAnswered.accept(request);
  }

  private static String answeredTs(String body) {
    try {
      return JSON.readTree(body).path("ts").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private Reply normal(String method, Map<String, String> params) {
    ObjectNode answer = JSON.createObjectNode();
    String channel = params.getOrDefault("channel", "");
    switch (method) {
      case "chat.postMessage" -> {
        if (channel.isEmpty()) {
          return Reply.error("channel_not_found");
        }
        answer.put("ok", true);
        answer.put("channel", channelId(channel));
        answer.put("ts", String.format(Locale.ROOT, "1700000000.%06d", ts.incrementAndGet()));
        answer.putObject("message").put("text", params.getOrDefault("text", ""));
      }
      case "chat.update" -> {
        answer.put("ok", true);
        answer.put("channel", channel);
        answer.put("ts", params.getOrDefault("ts", ""));
        answer.put("text", params.getOrDefault("text", ""));
      }
      default -> {
        return Reply.error("unknown_method");
      }
    }
    return new Reply(200, Map.of(), answer.toString());
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return params;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(name, value);
    }
    return params;
  }

  // --- compatibility kit target ---------------------------------------------------------

  @Override
  public synchronized int mutatingCalls() {
    return (int)
        requests.stream()
            .filter(
                r ->
                    r.ok()
                        && (r.method().equals("chat.postMessage")
                            || r.method().equals("chat.update")))
            .count();
  }

  @Override
  public void failNext(ActionProviderCompatibilityKit.Failure failure) {
    reply(
        "chat.postMessage",
        failure == ActionProviderCompatibilityKit.Failure.RETRYABLE
            ? Reply.serverError()
            : Reply.error("channel_not_found"));
  }

  @Override
  public synchronized void reset() {
    requests.clear();
    script.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
