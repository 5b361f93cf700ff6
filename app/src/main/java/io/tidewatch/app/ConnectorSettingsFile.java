package io.tidewatch.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads connector settings for {@code tidewatch ingest --config}: a {@code .properties} file, or a
 * YAML mapping ({@code .yaml}/{@code .yml}) whose lists are joined with commas ({@code files: [a,
 * b]} is {@code files=a,b}). Keys are the connector's settings ({@code files}, {@code format},
 * {@code log.group}, ...).
 */
final class ConnectorSettingsFile {

  private ConnectorSettingsFile() {}

  static Map<String, String> read(Path file) {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return yaml(file);
      }
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
      Map<String, String> settings = new LinkedHashMap<>();
      properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
      return settings;
    } catch (IOException e) {
      throw new OneLineErrors.UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static Map<String, String> yaml(Path file) throws IOException {
    Object document;
    try {
      LoadSettings settings =
          LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false).build();
      document = new Load(settings).loadFromString(Files.readString(file));
    } catch (YamlEngineException e) {
      throw new OneLineErrors.UsageException(file + ": " + e.getMessage());
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new OneLineErrors.UsageException(
          file + ": expected a mapping of connector settings (files: ..., format: ...)");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object value = entry.getValue();
      String text =
          value instanceof List<?> list
              ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
              : String.valueOf(value);
      settings.put(String.valueOf(entry.getKey()), text);
    }
    return settings;
  }
}
