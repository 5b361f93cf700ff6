package io.tidewatch.testkit;

import io.tidewatch.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real embedded KRaft broker (the one {@code tidewatch up} runs) per test JVM, on a free
 * port with its data in a temporary folder, and hands it to test methods and constructors that ask
 * for an {@link EmbeddedBroker} parameter. Tests share the broker: give each test its own topic
 * prefix or group id.
 */
public final class EmbeddedKafkaExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("broker", key -> start(), RunningBroker.class)
        .broker();
  }

  private static RunningBroker start() {
    try {
      Path dataDir = Files.createTempDirectory("tidewatch-kafka-");
      return new RunningBroker(
          EmbeddedBroker.start(EmbeddedBroker.Settings.of(dataDir, 0)), dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka broker", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
    }
  }

  /** Closed by JUnit when the root context closes, i.e. after the last test of the JVM. */
  private record RunningBroker(EmbeddedBroker broker, Path dataDir)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() throws IOException {
      broker.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
