package io.tidewatch.ingest.connect;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Tails log files matching globs, parses each line with a Tidewatch parser and writes {@code
 * LogEvent}s to {@code tw.logs} (rejected lines to {@code tw.dlq.ingest} with the reason in
 * headers). Source offsets are the tailer's file positions, so a restart goes on after the last
 * committed line; with {@code exactly.once.source.support=enabled} on the (distributed) workers no
 * line is lost or written twice.
 *
 * <p>One task: a file matched by two tasks would be read twice.
 */
public final class FileLogSourceConnector extends SourceConnector {

  private Map<String, String> props;

  @Override
  public String version() {
    return Versions.current();
  }

  @Override
  public void start(Map<String, String> props) {
    new FileLogSourceConfig(props); // fail fast, with the setting named
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return FileLogSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return FileLogSourceConfig.CONFIG_DEF;
  }

  /** Field checks, then the format and its layout together (a log_format that does not compile). */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    boolean fieldsValid =
        config.configValues().stream().allMatch(value -> value.errorMessages().isEmpty());
    if (fieldsValid) {
      try {
        new FileLogSourceConfig(connectorConfigs);
      } catch (ConfigException e) {
        String name =
            connectorConfigs.getOrDefault(FileLogSourceConfig.FIELDS_CONFIG, "").isBlank()
                ? FileLogSourceConfig.LOG_FORMAT_CONFIG
                : FileLogSourceConfig.FIELDS_CONFIG;
        config.configValues().stream()
            .filter(value -> value.name().equals(name))
            .findFirst()
            .ifPresent(value -> value.addErrorMessage(e.getMessage()));
      }
    }
    String valueConverter = connectorConfigs.get("value.converter");
    String expected = FileLogSourceConfig.CONVERTERS.get("value.converter");
    if (valueConverter != null && !valueConverter.equals(expected)) {
      ConfigValue converter = new ConfigValue("value.converter");
      converter.value(valueConverter);
      converter.addErrorMessage(
          "the values are LogEvent protobuf bytes: use value.converter=" + expected);
      config.configValues().add(converter);
    }
    return config;
  }

  /** Positions are the tailer's: a poll's records commit together with their offsets. */
  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  /**
   * Transactions follow Connect's {@code poll} (the default) or {@code interval} boundaries; the
   * connector does not define its own: any line boundary is a safe place to commit.
   */
  @Override
  public ConnectorTransactionBoundaries canDefineTransactionBoundaries(
      Map<String, String> connectorConfig) {
    return ConnectorTransactionBoundaries.UNSUPPORTED;
  }
}
