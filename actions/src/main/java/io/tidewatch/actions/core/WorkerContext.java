package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.RuleSet;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Utils;

/** What the lanes of one worker share. */
final class WorkerContext implements AutoCloseable {

  private final ActionWorkerConfig config;
  private final Clock clock;
  private final Supplier<RuleSet> rules;
  private final ProviderRegistry registry;
  private final ActionLedger ledger;
  private final DeadLetters deadLetters;
  private final FailureSignal signal;
  private final Redactor redactor;
  private final ProviderContext providerContext;
  private final Map<ActionDefinition, ActionExecutor> executors = new HashMap<>();
  private final int eventPartitions;

  WorkerContext(
      ActionWorkerConfig config,
      Clock clock,
      Supplier<RuleSet> rules,
      ProviderRegistry registry,
      ActionLedger ledger,
      DeadLetters deadLetters,
      FailureSignal signal,
      int eventPartitions) {
    this.config = config;
    this.clock = clock;
    this.rules = rules;
    this.registry = registry;
    this.ledger = ledger;
    this.deadLetters = deadLetters;
    this.signal = signal;
    this.redactor = new Redactor(config.environment());
    this.providerContext = new ProviderContext(config.environment(), clock);
    this.eventPartitions = eventPartitions;
  }

  ActionWorkerConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  RuleSet rules() {
    RuleSet current = rules.get();
    return current == null ? RuleSet.empty() : current;
  }

  ProviderRegistry registry() {
    return registry;
  }

  ActionLedger ledger() {
    return ledger;
  }

  DeadLetters deadLetters() {
    return deadLetters;
  }

  FailureSignal signal() {
    return signal;
  }

  Redactor redactor() {
    return redactor;
  }

  boolean dryRun(ActionDefinition definition) {
    return config.dryRun() || ProviderRegistry.dryRun(definition);
  }

  /**
   * The action names an event asks for: the alarm's list for its new state ({@code alarm}, {@code
   * ok}, {@code insufficientData}); for the action-failed signal, the configured failure actions.
   */
  List<String> actionNames(AlarmStateChange event) {
    if (FailureSignal.isSignal(event)) {
      return config.failureActions();
    }
    return rules()
        .alarm(event.detail().alarmName())
        .map(AlarmRule::actions)
        .map(actions -> actions.forState(event.detail().state().value()))
        .orElse(List.of());
  }

  Optional<ActionDefinition> definition(String name) {
    return Optional.ofNullable(rules().actions().get(name));
  }

  /**
   * The executor of a definition, created on first use and kept while the definition is unchanged.
   *
   * @throws IllegalArgumentException when the definition is invalid or its provider is missing
   */
  ActionExecutor executor(ActionDefinition definition) {
    synchronized (executors) {
      ActionExecutor existing = executors.get(definition);
      if (existing != null) {
        return existing;
      }
      List<String> problems = registry.validate(definition);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(redactor.redact(String.join("; ", problems)));
      }
      ActionProvider provider = registry.find(definition.type()).orElseThrow();
      ActionDefinition forProvider =
          new ActionDefinition(
              definition.name(), definition.type(), ProviderRegistry.providerSettings(definition));
      ActionExecutor created;
      try {
        created = provider.executor(forProvider, providerContext);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(redactor.redact(e.getMessage()), e);
      }
      executors.put(definition, created);
      return created;
    }
  }

  /** The partition of {@code tw.alarm-events} an alarm instance's events go to. */
  int partitionOf(String alarmInstance) {
    return Utils.toPositive(Utils.murmur2(alarmInstance.getBytes(StandardCharsets.UTF_8)))
        % eventPartitions;
  }

  @Override
  public void close() {
    synchronized (executors) {
      for (ActionExecutor executor : executors.values()) {
        try {
          executor.close();
        } catch (RuntimeException e) {
          // closing is best effort
        }
      }
      executors.clear();
    }
  }
}
