package io.tidewatch.actions.policy;

import io.tidewatch.rules.RuleSet;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification policy of the rules in force: the {@code notifications:} section of {@link
 * RuleSet#notifications()}, parsed again only when it changes. Rules reach the workers after {@code
 * rules check}, so a section that does not parse here means a newer worker is reading older rules
 * (or the other way round): the last usable policy is kept and the problem logged, never a silent
 * fallback to no routing.
 */
public final class RulesPolicy implements Supplier<NotificationPolicy> {

  private static final Logger LOG = LoggerFactory.getLogger(RulesPolicy.class);

  private final Supplier<RuleSet> rules;
  private Map<String, Object> parsedSection = Map.of();
  private NotificationPolicy policy = NotificationPolicy.none();

  public RulesPolicy(Supplier<RuleSet> rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  @Override
  public synchronized NotificationPolicy get() {
    Map<String, Object> section = rules.get().notifications();
    if (!section.equals(parsedSection)) {
      parsedSection = section;
      try {
        policy = PolicyParser.parse(section);
      } catch (PolicyException e) {
        LOG.error(
            "The notifications section cannot be used; keeping the previous policy. {}",
            e.getMessage());
      }
    }
    return policy;
  }
}
