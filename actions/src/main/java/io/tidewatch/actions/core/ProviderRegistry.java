package io.tidewatch.actions.core;

import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.RuleSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The action providers on the class path, found with {@link ServiceLoader}, by type. Also the one
 * place that validates action definitions, for the worker and for {@code tidewatch rules check}.
 */
public final class ProviderRegistry {

  /** Settings every action may have, handled by the worker itself rather than the provider. */
  public static final String DRY_RUN_SETTING = "dryRun";

  private final Map<String, ActionProvider> providers;

  private ProviderRegistry(Map<String, ActionProvider> providers) {
    this.providers = Collections.unmodifiableMap(new TreeMap<>(providers));
  }

  /**
   * Every provider listed in {@code META-INF/services/io.tidewatch.actions.core.ActionProvider}.
   *
   * @throws IllegalStateException when two providers claim the same type
   */
  public static ProviderRegistry load() {
    return load(ProviderRegistry.class.getClassLoader());
  }

  public static ProviderRegistry load(ClassLoader loader) {
    List<ActionProvider> found = new ArrayList<>();
    ServiceLoader.load(ActionProvider.class, loader).forEach(found::add);
    return of(found);
  }

  public static ProviderRegistry of(List<ActionProvider> providers) {
    Map<String, ActionProvider> byType = new LinkedHashMap<>();
    for (ActionProvider provider : providers) {
      ActionProvider previous = byType.putIfAbsent(provider.type(), provider);
      if (previous != null && previous.getClass() != provider.getClass()) {
        throw new IllegalStateException(
            "two action providers claim type '"
                + provider.type()
                + "': "
                + previous.getClass().getName()
                + " and "
                + provider.getClass().getName()
                + ". Remove one of them from the class path.");
      }
    }
    return new ProviderRegistry(byType);
  }

  public Optional<ActionProvider> find(String type) {
    return Optional.ofNullable(providers.get(type));
  }

  public Set<String> types() {
    return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
  }

  /**
   * Problems with one action definition, each prefixed with {@code actions.NAME.}; empty when the
   * provider accepts it.
   */
  public List<String> validate(ActionDefinition definition) {
    String prefix = "actions." + definition.name() + ".";
    ActionProvider provider = providers.get(definition.type());
    if (provider == null) {
      return List.of(
          prefix
              + "type: one of "
              + types()
              + " (no provider for this type on the class path). Found: "
              + definition.type());
    }
    List<String> problems = new ArrayList<>();
    Object dryRun = definition.settings().get(DRY_RUN_SETTING);
    if (dryRun != null && !(dryRun instanceof Boolean)) {
      problems.add(prefix + DRY_RUN_SETTING + ": true or false. Found: " + dryRun);
    }
    for (String problem : provider.validate(providerSettings(definition))) {
      problems.add(prefix + problem);
    }
    return problems;
  }

  /** Problems with every action definition of a rule set, in name order. */
  public List<String> validate(RuleSet rules) {
    List<String> problems = new ArrayList<>();
    for (ActionDefinition definition : rules.actions().values()) {
      problems.addAll(validate(definition));
    }
    return problems;
  }

  /** Whether the definition asks for a dry run of its own ({@code dryRun: true}). */
  static boolean dryRun(ActionDefinition definition) {
    return Boolean.TRUE.equals(definition.settings().get(DRY_RUN_SETTING));
  }

  static Map<String, Object> providerSettings(ActionDefinition definition) {
    Map<String, Object> settings = new TreeMap<>(definition.settings());
    settings.remove(DRY_RUN_SETTING);
    return Collections.unmodifiableMap(settings);
  }
}
