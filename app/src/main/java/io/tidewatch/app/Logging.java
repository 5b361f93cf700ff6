package io.tidewatch.app;

/**
 * Log levels for the command line: Tidewatch at INFO, the Kafka broker and clients at ERROR so the
 * console shows what a person needs. Any level can be overridden with the usual {@code
 * -Dorg.slf4j.simpleLogger...} system properties (e.g. via {@code JAVA_OPTS}).
 */
final class Logging {

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  static void configureDefaults() {
    setIfAbsent("defaultLogLevel", "warn");
    setIfAbsent("log.io.tidewatch", "info");
    setIfAbsent("log.org.apache.kafka", "error");
    setIfAbsent("log.kafka", "error");
    setIfAbsent("log.state.change.logger", "error");
    setIfAbsent("showDateTime", "true");
    setIfAbsent("dateTimeFormat", "HH:mm:ss.SSS");
    setIfAbsent("showShortLogName", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
