package io.tidewatch.actions.core;

import io.tidewatch.rules.ActionDefinition;
import java.util.List;
import java.util.Map;

/**
 * The service provider interface of an action type ({@code slack}, {@code scale}, ...). Providers
 * are found with {@link java.util.ServiceLoader}: list the implementation in {@code
 * META-INF/services/io.tidewatch.actions.core.ActionProvider}. A provider must have a public
 * no-argument constructor and be stateless; everything stateful (clients, connections, rate
 * limiters) belongs to the {@link ActionExecutor} it creates.
 *
 * <p>Every provider passes the compatibility kit ({@code ActionProviderCompatibilityKit} in this
 * module's test-jar): idempotency, retry classification, dry run and secret redaction.
 */
public interface ActionProvider {

  /** The {@code type:} of the action definitions this provider executes, e.g. {@code slack}. */
  String type();

  /**
   * Checks the settings of one action definition (every key of the {@code actions:} entry except
   * {@code type} and the worker's own {@code dryRun}).
   *
   * @return one message per problem, as {@code key: expectation. Found: value}; empty when valid.
   *     Never echo a value that may be a secret.
   */
  List<String> validate(Map<String, Object> settings);

  /**
   * Creates the executor of one action definition; called once per definition (and again when the
   * rules change it). Secrets come from {@link ProviderContext#environment()}, never from settings.
   *
   * @throws IllegalArgumentException when the settings are invalid or a secret is missing; the
   *     message says how to fix it and never contains a secret
   */
  ActionExecutor executor(ActionDefinition definition, ProviderContext context);

  /** Concurrency and rate the worker allows this provider by default. */
  default ProviderLimits limits() {
    return ProviderLimits.DEFAULT;
  }

  /**
   * How the worker hands work to this provider: one request per transition, or notifications shaped
   * by the notification policy (grouping, repeat, silences, resolve).
   */
  default Delivery delivery() {
    return Delivery.EACH_TRANSITION;
  }

  /** How a provider receives work. */
  enum Delivery {
    /**
     * One {@link ActionRequest} per alarm transition that names the action, with {@link
     * ActionRequest#event()} set: scaling, snapshots, DNS failover.
     */
    EACH_TRANSITION,
    /**
     * {@link ActionRequest#notification()} set: what the notification policy decided to tell people
     * (grouped alerts, resolves, repeats), with the thread of earlier messages.
     */
    NOTIFICATION
  }
}
