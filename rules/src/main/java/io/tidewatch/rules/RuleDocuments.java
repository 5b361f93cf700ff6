package io.tidewatch.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Splits a checked rule set into one {@link RuleDocument} per rule, and loads documents back into a
 * {@link RuleSet}. Documents are canonical JSON (keys sorted), so the same rule always gives the
 * same bytes and an unchanged rule is not republished.
 */
public final class RuleDocuments {

  static final String ALARM = "alarm";
  static final String ACTION = "action";
  static final String COMPOSITE_ALARM = "compositeAlarm";
  static final String NOTIFICATIONS = "notifications";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private RuleDocuments() {}

  /**
   * The documents of a load without errors, in file order.
   *
   * @throws IllegalArgumentException when {@code loaded} has errors: only checked rules travel
   */
  public static List<RuleDocument> of(LoadResult loaded) {
    if (loaded.hasErrors()) {
      throw new IllegalArgumentException("only rule files without errors can be published");
    }
    List<RuleDocument> documents = new ArrayList<>();
    for (String source : loaded.sources().values()) {
      Object root = load(source);
      if (!(root instanceof Map<?, ?> sections)) {
        continue;
      }
      if (sections.get("alarms") instanceof List<?> alarms) {
        for (Object alarm : alarms) {
          if (alarm instanceof Map<?, ?> definition) {
            documents.add(
                new RuleDocument(ALARM, String.valueOf(definition.get("name")), json(definition)));
          }
        }
      }
      if (sections.get("compositeAlarms") instanceof List<?> composites) {
        for (Object composite : composites) {
          if (composite instanceof Map<?, ?> definition) {
            documents.add(
                new RuleDocument(
                    COMPOSITE_ALARM, String.valueOf(definition.get("name")), json(definition)));
          }
        }
      }
      if (sections.get("actions") instanceof Map<?, ?> actions) {
        for (Map.Entry<?, ?> action : actions.entrySet()) {
          documents.add(
              new RuleDocument(ACTION, String.valueOf(action.getKey()), json(action.getValue())));
        }
      }
      if (sections.get(NOTIFICATIONS) instanceof Map<?, ?> notifications) {
        documents.add(new RuleDocument(NOTIFICATIONS, NOTIFICATIONS, json(notifications)));
      }
    }
    return List.copyOf(documents);
  }

  /** Loads documents (e.g. the contents of the rules topic) as one rule set. */
  public static LoadResult load(Collection<RuleDocument> documents) {
    List<Object> alarms = new ArrayList<>();
    List<Object> composites = new ArrayList<>();
    Map<String, Object> actions = new LinkedHashMap<>();
    Object notifications = null;
    List<RuleDocument> sorted =
        documents.stream().sorted(Comparator.comparing(RuleDocument::id)).toList();
    for (RuleDocument document : sorted) {
      Object definition = readJson(document);
      switch (document.kind()) {
        case ALARM -> alarms.add(definition);
        case ACTION -> actions.put(document.name(), definition);
        case COMPOSITE_ALARM -> composites.add(definition);
        case NOTIFICATIONS -> notifications = definition;
        default -> {
          // kinds of later versions: ignored by this one, not an error
        }
      }
    }
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("alarms", alarms);
    if (!composites.isEmpty()) {
      file.put("compositeAlarms", composites);
    }
    file.put("actions", actions);
    if (notifications != null) {
      file.put(NOTIFICATIONS, notifications);
    }
    try {
      return RuleLoader.loadString(
          "rules-topic.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("rule documents cannot be written as JSON", e);
    }
  }

  private static Object load(String yaml) {
    LoadSettings settings =
        LoadSettings.builder()
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(YamlDocument.MAX_ALIASES)
            .setCodePointLimit(YamlDocument.MAX_CODE_POINTS)
            .build();
    return new Load(settings).loadFromString(yaml);
  }

  private static String json(Object definition) {
    try {
      return JSON.writeValueAsString(definition);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a rule cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  private static Object readJson(RuleDocument document) {
    try {
      return JSON.readValue(document.json(), Object.class);
    } catch (JsonProcessingException e) {
      return Map.of("name", document.name(), "invalidDocument", e.getOriginalMessage());
    }
  }
}
