package io.tidewatch.actions.core;

import io.tidewatch.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything an {@link ActionWorker} needs besides the rules and the clock. Invalid values are all
 * reported together, as {@code key: expectation. Found: value}.
 *
 * @param groupId the base consumer group; each provider type consumes as {@code groupId + "." +
 *     type}, so that providers never wait for each other
 * @param dryRun global dry run: every action is planned and recorded ({@code DRY_RUN}), none is
 *     executed. A single action can ask for it with {@code dryRun: true} in its definition
 * @param limits per provider type, replacing the provider's {@link ActionProvider#limits()}
 * @param failureActions the actions run for the {@code tidewatch-action-failed} signal (e.g. a
 *     Slack channel for the platform team); the signal is on {@code tw.alarm-events} either way
 * @param initialLookback on the very first start of a group (no committed offsets) only events this
 *     recent are acted on, so that a new worker does not replay weeks of history into Slack
 * @param startTimeout how long {@link ActionWorker#start()} may take to read the ledger
 * @param laneRestart how a lane replaces a failed consumer: {@code maxAttempts} consumer sessions
 *     in a row that fail without ever being assigned stop the lane for good (see {@link
 *     ActionWorker#stoppedLane()}); the backoff is between them
 * @param environment where providers read secrets and endpoints ({@code SLACK_BOT_TOKEN}, ...)
 * @param kafka extra client settings (security), applied to every client the worker creates
 */
public record ActionWorkerConfig(
    String bootstrapServers,
    Topics topics,
    String groupId,
    boolean dryRun,
    RetryPolicy retry,
    Map<String, ProviderLimits> limits,
    List<String> failureActions,
    Duration initialLookback,
    Duration startTimeout,
    RetryPolicy laneRestart,
    Map<String, String> environment,
    Map<String, Object> kafka) {

  public ActionWorkerConfig {
    List<String> problems = new ArrayList<>();
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      problems.add("bootstrapServers: host:port[,host:port...]. Found: " + bootstrapServers);
    }
    if (topics == null) {
      problems.add("topics: a topic prefix. Found: null");
    }
    if (groupId == null || !groupId.matches("[A-Za-z0-9._-]{1,200}")) {
      problems.add("groupId: letters, digits, '.', '_' or '-'. Found: " + groupId);
    }
    if (retry == null) {
      problems.add("retry: a retry policy. Found: null");
    }
    if (laneRestart == null) {
      problems.add("laneRestart: a retry policy. Found: null");
    }
    if (initialLookback == null || initialLookback.isNegative()) {
      problems.add("initialLookback: zero or more. Found: " + initialLookback);
    }
    if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
      problems.add("startTimeout: positive. Found: " + startTimeout);
    }
    for (String name : failureActions == null ? List.<String>of() : failureActions) {
      if (name == null || name.isBlank()) {
        problems.add("failureActions: action names. Found: a blank name");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid action worker configuration:\n  " + String.join("\n  ", problems));
    }
    limits = Map.copyOf(limits == null ? Map.of() : limits);
    failureActions = List.copyOf(failureActions == null ? List.of() : failureActions);
    environment = Map.copyOf(environment == null ? Map.of() : environment);
    kafka = java.util.Collections.unmodifiableMap(new TreeMap<>(kafka == null ? Map.of() : kafka));
  }

  /** Six consumer sessions, 1 s to 30 s apart: about a minute of trying before a lane stops. */
  public static final RetryPolicy DEFAULT_LANE_RESTART =
      new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0);

  /**
   * Defaults: group {@code <prefix>actions}, no dry run, {@link RetryPolicy#DEFAULT}, the
   * providers' own limits, no failure actions, a one-hour initial lookback, the process
   * environment.
   */
  public static ActionWorkerConfig of(String bootstrapServers, Topics topics) {
    return new ActionWorkerConfig(
        bootstrapServers,
        topics,
        topics.prefix() + "actions",
        false,
        RetryPolicy.DEFAULT,
        Map.of(),
        List.of(),
        Duration.ofHours(1),
        Duration.ofMinutes(2),
        DEFAULT_LANE_RESTART,
        System.getenv(),
        Map.of());
  }

  public ActionWorkerConfig withGroupId(String value) {
    Settings next = new Settings(this);
    next.groupId = value;
    return next.build();
  }

  public ActionWorkerConfig withDryRun(boolean value) {
    Settings next = new Settings(this);
    next.dryRun = value;
    return next.build();
  }

  public ActionWorkerConfig withRetry(RetryPolicy value) {
    Settings next = new Settings(this);
    next.retry = value;
    return next.build();
  }

  public ActionWorkerConfig withLimits(String type, ProviderLimits value) {
    Settings next = new Settings(this);
    next.limits = new HashMap<>(limits);
    next.limits.put(type, value);
    return next.build();
  }

  public ActionWorkerConfig withFailureActions(List<String> value) {
    Settings next = new Settings(this);
    next.failureActions = value;
    return next.build();
  }

  public ActionWorkerConfig withInitialLookback(Duration value) {
    Settings next = new Settings(this);
    next.initialLookback = value;
    return next.build();
  }

  public ActionWorkerConfig withEnvironment(Map<String, String> value) {
    Settings next = new Settings(this);
    next.environment = value;
    return next.build();
  }

  public ActionWorkerConfig withKafka(Map<String, Object> value) {
    Settings next = new Settings(this);
    next.kafka = value;
    return next.build();
  }

  public ActionWorkerConfig withLaneRestart(RetryPolicy value) {
    Settings next = new Settings(this);
    next.laneRestart = value;
    return next.build();
  }

  /** This config's settings, to change one and check them all again through the constructor. */
  private static final class Settings {
    private String bootstrapServers;
    private Topics topics;
    private String groupId;
    private boolean dryRun;
    private RetryPolicy retry;
    private Map<String, ProviderLimits> limits;
    private List<String> failureActions;
    private Duration initialLookback;
    private Duration startTimeout;
    private RetryPolicy laneRestart;
    private Map<String, String> environment;
    private Map<String, Object> kafka;

    Settings(ActionWorkerConfig config) {
      bootstrapServers = config.bootstrapServers;
      topics = config.topics;
      groupId = config.groupId;
      dryRun = config.dryRun;
      retry = config.retry;
      limits = config.limits;
      failureActions = config.failureActions;
      initialLookback = config.initialLookback;
      startTimeout = config.startTimeout;
      laneRestart = config.laneRestart;
      environment = config.environment;
      kafka = config.kafka;
    }

    ActionWorkerConfig build() {
      return new ActionWorkerConfig(
          bootstrapServers,
          topics,
          groupId,
          dryRun,
          retry,
          limits,
          failureActions,
          initialLookback,
          startTimeout,
          laneRestart,
          environment,
          kafka);
    }
  }

  /** The limits for a provider type: the configured ones, else the provider's defaults. */
  ProviderLimits limitsFor(String type, ProviderLimits providerDefaults) {
    return limits.getOrDefault(type, providerDefaults);
  }
}
