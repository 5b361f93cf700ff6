package io.tidewatch.actions.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A target system for {@link RecordingProvider}: records every mutating call and can be told to
 * fail, leak its secret in an error (to prove redaction) or hang until released. Looked up by name,
 * because providers are created by {@link java.util.ServiceLoader}.
 */
public final class RecordingTarget implements ActionProviderCompatibilityKit.Target {

  private static final Map<String, RecordingTarget> TARGETS = new ConcurrentHashMap<>();

  /** One mutating call. */
  public record Call(
      String actionKey, String action, String alarmInstance, String state, Instant at) {}

  /** What the next call does instead of succeeding. */
  public enum Behaviour {
    RETRYABLE,
    RETRY_AFTER_300MS,
    PERMANENT,
    LEAK_SECRET
  }

  private final String name;
  private final List<Call> calls = new ArrayList<>();
  private final List<String> plans = new ArrayList<>();
  private final Deque<Behaviour> script = new ArrayDeque<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  private RecordingTarget(String name) {
    this.name = name;
  }

  public static RecordingTarget create(String name) {
    RecordingTarget target = new RecordingTarget(name);
    TARGETS.put(name, target);
    return target;
  }

  static Optional<RecordingTarget> find(String name) {
    return Optional.ofNullable(TARGETS.get(name));
  }

  public String name() {
    return name;
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  public synchronized List<String> plans() {
    return List.copyOf(plans);
  }

  public synchronized void script(Behaviour... next) {
    script.addAll(List.of(next));
  }

  /** Calls block until {@link #release()}. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  public void release() {
    gate.countDown();
  }

  @Override
  public int mutatingCalls() {
    return calls().size();
  }

  @Override
  public void failNext(ActionProviderCompatibilityKit.Failure failure) {
    script(
        failure == ActionProviderCompatibilityKit.Failure.RETRYABLE
            ? Behaviour.RETRYABLE
            : Behaviour.PERMANENT);
  }

  @Override
  public synchronized void reset() {
    calls.clear();
    plans.clear();
    script.clear();
  }

  @Override
  public void close() {
    release();
    TARGETS.remove(name);
  }

  ActionResult call(ActionRequest request, String secret) {
    try {
      if (!gate.await(60, TimeUnit.SECONDS)) {
        return ActionResult.Retryable.of("the test never released the target");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ActionResult.Retryable.of("interrupted");
    }
    Behaviour behaviour;
    synchronized (this) {
      behaviour = script.poll();
      if (behaviour == null) {
        calls.add(
            new Call(
                request.actionKey(),
                request.action().name(),
                request.event().alarmInstance(),
                request.event().detail().state().value().name(),
                Instant.now()));
        return new ActionResult.Succeeded(
            Map.of("target", name, "call", Integer.toString(calls.size())));
      }
    }
    return switch (behaviour) {
      case RETRYABLE -> ActionResult.Retryable.of("503 from " + name);
      case RETRY_AFTER_300MS ->
          new ActionResult.Retryable("429 from " + name, Optional.of(Duration.ofMillis(300)));
      case PERMANENT -> new ActionResult.Permanent("404 no such target " + name);
      case LEAK_SECRET ->
          new ActionResult.Permanent("401 token " + secret + " rejected by " + name);
    };
  }

  synchronized void plan(String plan) {
    plans.add(plan);
  }

  synchronized boolean happened(String actionKey) {
    return calls.stream().anyMatch(call -> call.actionKey().equals(actionKey));
  }
}
