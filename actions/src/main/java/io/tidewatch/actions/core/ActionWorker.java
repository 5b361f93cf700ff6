package io.tidewatch.actions.core;

import io.tidewatch.actions.policy.NotificationPolicy;
import io.tidewatch.actions.policy.RulesPolicy;
import io.tidewatch.actions.policy.SilenceStore;
import io.tidewatch.actions.policy.SilenceTopic;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.RuleSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action worker: consumes {@code tw.alarm-events}, resolves each alarm's actions for its new
 * state from the rules, and executes them through the providers on the class path, with the ledger
 * {@code tw.actions} making each execution happen once per {@code hash(transitionId, action)}.
 *
 * <pre>{@code
 * ActionWorker worker = new ActionWorker(ActionWorkerConfig.of(bootstrap, topics), rules::current, Clock.systemUTC());
 * worker.start();   // reads the ledger, then runs until close()
 * ...
 * worker.close();
 * }</pre>
 *
 * Each provider type runs as its own lane (consumer group {@code groupId.type}, own threads and
 * limits). Workers sharing a group id share the partitions.
 */
public final class ActionWorker implements AutoCloseable {

  /** The alarm name of the signal raised when an action fails for good. */
  public static final String ACTION_FAILED_ALARM = "tidewatch-action-failed";

  private static final Logger LOG = LoggerFactory.getLogger(ActionWorker.class);

  private final ActionWorkerConfig config;
  private final Supplier<RuleSet> rules;
  private final Supplier<NotificationPolicy> policy;
  private final Clock clock;
  private final ProviderRegistry registry;
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();
  private final CompletableFuture<LaneStatus> stoppedLane = new CompletableFuture<>();
  private ActionLedger ledger;
  private Producer<String, byte[]> producer;
  private SilenceStore silences;
  private WorkerContext context;
  private boolean started;

  /**
   * @param rules the rules in force, asked for each event (so rule changes apply at once),
   *     including their {@code notifications:} section
   */
  public ActionWorker(ActionWorkerConfig config, Supplier<RuleSet> rules, Clock clock) {
    this(config, rules, new RulesPolicy(rules), clock, ProviderRegistry.load());
  }

  /**
   * @param policy the {@code notifications:} section in force (routing, grouping, timing, mute
   *     windows), asked for each notification; {@link NotificationPolicy#none()} without one
   */
  public ActionWorker(
      ActionWorkerConfig config,
      Supplier<RuleSet> rules,
      Supplier<NotificationPolicy> policy,
      Clock clock) {
    this(config, rules, policy, clock, ProviderRegistry.load());
  }

  /** With an explicit set of providers instead of those on the class path. */
  public ActionWorker(
      ActionWorkerConfig config,
      Supplier<RuleSet> rules,
      Supplier<NotificationPolicy> policy,
      Clock clock,
      ProviderRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Reads the ledger to its end, resumes unfinished work and starts consuming. Returns once every
   * lane has been assigned its partitions (or {@link ActionWorkerConfig#startTimeout()} passed).
   *
   * @throws IllegalStateException when a topic is missing or Kafka cannot be reached
   */
  public synchronized void start() throws InterruptedException {
    if (started) {
      throw new IllegalStateException("the action worker is already started");
    }
    started = true;
    Topics topics = config.topics();
    try {
      int partitions = eventPartitions();
      producer = producer();
      silences =
          SilenceStore.open(
              config.bootstrapServers(), config.kafka(), SilenceTopic.of(topics), clock);
      ledger =
          new ActionLedger(
              config.bootstrapServers(), topics.actions(), config.kafka(), config.groupId());
      ledger.start(config.startTimeout());
      context =
          new WorkerContext(
              config,
              clock,
              rules,
              registry,
              ledger,
              new DeadLetters(producer, topics.dlq("actions").name()),
              new FailureSignal(producer, topics.alarmEvents(), ledger),
              partitions);
      for (String type : registry.types()) {
        ActionProvider provider = registry.find(type).orElseThrow();
        ProviderLimits limits = config.limitsFor(type, provider.limits());
        Attempts attempts = new Attempts(type, limits, context);
        Intake intake = intake(type, provider, attempts);
        if (intake instanceof NotificationIntake notifications) {
          notifications.start();
        }
        lanes.add(
            new Lane(type, intake, attempts, context, limits.maxInFlight(), this::laneStopped));
      }
      Attempts unroutable = new Attempts(UnroutableIntake.LANE, ProviderLimits.DEFAULT, context);
      lanes.add(
          new Lane(
              UnroutableIntake.LANE,
              new UnroutableIntake(context, unroutable),
              unroutable,
              context,
              ProviderLimits.DEFAULT.maxInFlight(),
              this::laneStopped));
      lanes.forEach(Lane::start);
      long deadline = System.nanoTime() + config.startTimeout().toNanos();
      for (Lane lane : lanes) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (!lane.awaitAssignment(left)) {
          LOG.warn("lane {} has no partitions yet; it will start when it gets them", lane.name());
        }
      }
      List<String> stopped =
          lanes.stream().filter(lane -> !lane.status().up()).map(Lane::name).toList();
      if (!stopped.isEmpty()) {
        LOG.error(
            "action worker {}: lanes {} stopped for good while starting",
            config.groupId(),
            stopped);
      }
      LOG.info(
          "action worker {} started: providers {}{}",
          config.groupId(),
          registry.types(),
          config.dryRun() ? " (dry run)" : "");
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException(e.getMessage(), e);
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  private Intake intake(String type, ActionProvider provider, Attempts attempts) {
    return switch (provider.delivery()) {
      case EACH_TRANSITION -> new TransitionIntake(type, context, attempts);
      case NOTIFICATION -> new NotificationIntake(type, context, attempts, policy, this::muting);
    };
  }

  /** The partition count of the events topic; waits for a topic created a moment ago. */
  private Optional<String> muting(Map<String, String> labels, Instant at) {
    return silences
        .muting(labels, at)
        .map(
            silence ->
                "silence "
                    + silence.id()
                    + " by "
                    + silence.createdBy()
                    + " until "
                    + silence.endsAt()
                    + ": "
                    + silence.comment());
  }

  private int eventPartitions() throws InterruptedException {
    String name = config.topics().alarmEvents().name();
    Map<String, Object> adminConfig = new HashMap<>(config.kafka());
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    try (Admin admin = Admin.create(adminConfig)) {
      while (true) {
        try {
          TopicDescription description =
              admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
          return description.partitions().size();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
              || System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "cannot read the alarm events topic "
                    + name
                    + ": "
                    + e.getCause().getMessage()
                    + " Create the Tidewatch topics first (TopicBootstrap).",
                e.getCause());
          }
          Thread.sleep(100);
        }
      }
    }
  }

  private Producer<String, byte[]> producer() {
    Map<String, Object> producerConfig = new HashMap<>(config.kafka());
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-signals");
    return new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * A lane stopped for good (its consumer failed {@link ActionWorkerConfig#laneRestart()} times in
   * a row): its actions are no longer run. The lane signal {@code
   * tidewatch-action-failed{lane=TYPE}} is raised; the process running the worker should say so and
   * stop rather than run on half alive.
   */
  private void laneStopped(LaneStatus status, RuntimeException cause) {
    context.signal().laneDown(status.name(), status.failure(), clock.instant());
    stoppedLane.complete(status);
  }

  /**
   * Completes with the first lane that stopped for good; never while every lane runs. Lanes recover
   * from rebalances, refused commits and failed consumers on their own; this is what is left.
   */
  public CompletableFuture<LaneStatus> stoppedLane() {
    return stoppedLane;
  }

  /** The health of each lane (one per provider type, and the lane of unroutable events). */
  public List<LaneStatus> lanes() {
    return lanes.stream().map(Lane::status).toList();
  }

  /** The provider types this worker runs, one lane each. */
  public Set<String> providerTypes() {
    return registry.types();
  }

  /** Problems with the action definitions of a rule set (see {@link ProviderRegistry#validate}). */
  public List<String> validate(RuleSet ruleSet) {
    return registry.validate(ruleSet);
  }

  /** Stops consuming, lets running attempts end (up to 10 s) and closes every client. */
  @Override
  public synchronized void close() {
    for (Lane lane : lanes) {
      try {
        lane.close();
      } catch (RuntimeException e) {
        LOG.warn("lane {} did not close cleanly", lane.name(), e);
      }
    }
    lanes.clear();
    if (context != null) {
      context.close();
    }
    if (ledger != null) {
      ledger.close();
      ledger = null;
    }
    if (silences != null) {
      silences.close();
      silences = null;
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
