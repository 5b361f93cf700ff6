package io.tidewatch.app;

import io.micrometer.core.instrument.Metrics;
import io.tidewatch.actions.console.AlarmConsoleWorker;
import io.tidewatch.actions.core.ActionWorker;
import io.tidewatch.actions.core.ActionWorkerConfig;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.ingest.meter.MetricsEndpoint;
import io.tidewatch.ingest.otlp.OtlpGrpcReceiver;
import io.tidewatch.ingest.otlp.OtlpHttpReceiver;
import io.tidewatch.ingest.otlp.OtlpReceiverConfig;
import io.tidewatch.ingest.otlp.OtlpSink;
import io.tidewatch.model.log.LogEvent;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.streams.alarm.AlarmStreams;
import io.tidewatch.streams.alarm.AlarmTopology;
import io.tidewatch.streams.alarm.RuleRegistry;
import io.tidewatch.streams.rules.RuleWatcher;
import io.tidewatch.streams.rules.RulesTopic;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything in one JVM: the embedded broker (unless an existing cluster is given), topic
 * bootstrap, the OTLP receiver, the alarm stream processor, the console action worker and {@code
 * /metrics} (what the receivers accepted and discarded, JVM meters). Each part talks to the others
 * only through Kafka topics, as they do when deployed apart.
 */
final class AllInOne implements AutoCloseable {

  /**
   * @param bootstrapServers an existing cluster to use; empty starts the embedded broker
   * @param kafkaPort the embedded broker's port (0 = a free one)
   * @param otlpPort the OTLP/HTTP port (0 = a free one)
   * @param otlpGrpcPort the OTLP/gRPC port (0 = a free one), on {@code otlpHost} too
   * @param ingest file connector settings (as for {@code tidewatch ingest --config}) to run in a
   *     standalone Connect worker, offsets in {@code dataDir/ingest.offsets}; empty runs none
   * @param metricsPort the port of {@code /metrics} (Prometheus text) on 127.0.0.1 (0 = a free one)
   * @param otlpReceiver the OTLP receivers' other settings (timeouts, connection limit); its host
   *     and port are replaced by {@code otlpHost} and the ports above
   * @param actionSessionTimeout the action lanes' {@code session.timeout.ms}: how long the group
   *     waits for a silent (paused, frozen) worker before it hands the worker's partitions over
   */
  record Config(
      Path dataDir,
      Optional<String> bootstrapServers,
      int kafkaPort,
      String otlpHost,
      int otlpPort,
      int otlpGrpcPort,
      int metricsPort,
      Optional<RuleFiles.Publication> rules,
      boolean demo,
      boolean dryRun,
      Topics topics,
      Optional<Path> ingest,
      OtlpReceiverConfig otlpReceiver,
      Duration actionSessionTimeout) {
    /** Kafka's default {@code session.timeout.ms}. */
    static final Duration DEFAULT_ACTION_SESSION_TIMEOUT = Duration.ofSeconds(45);

    Config {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(rules, "rules");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(ingest, "ingest");
      Objects.requireNonNull(otlpReceiver, "otlpReceiver");
      Objects.requireNonNull(actionSessionTimeout, "actionSessionTimeout");
    }

    /**
     * With the OTLP receivers' default timeouts and limits and Kafka's default session timeout for
     * the action lanes.
     */
    Config(
        Path dataDir,
        Optional<String> bootstrapServers,
        int kafkaPort,
        String otlpHost,
        int otlpPort,
        int otlpGrpcPort,
        int metricsPort,
        Optional<RuleFiles.Publication> rules,
        boolean demo,
        boolean dryRun,
        Topics topics,
        Optional<Path> ingest) {
      this(
          dataDir,
          bootstrapServers,
          kafkaPort,
          otlpHost,
          otlpPort,
          otlpGrpcPort,
          metricsPort,
          rules,
          demo,
          dryRun,
          topics,
          ingest,
          OtlpReceiverConfig.defaults(),
          DEFAULT_ACTION_SESSION_TIMEOUT);
    }
  }

  /** Where things are, for the start-up banner and for tests. */
  record Endpoints(
      String bootstrapServers,
      boolean embedded,
      URI otlpMetrics,
      URI otlpLogs,
      String otlpGrpc,
      URI metrics,
      Path alarmLog,
      Path dataDir,
      Optional<String> ingestRest) {}

  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private final RuleRegistry rules = RuleRegistry.of(RuleSet.empty());
  private Endpoints endpoints;
  private CompletableFuture<String> failure = new CompletableFuture<>();

  private AllInOne() {}

  static AllInOne start(Config config, PrintWriter console)
      throws IOException, InterruptedException {
    AllInOne allInOne = new AllInOne();
    try {
      allInOne.startParts(config, console);
      return allInOne;
    } catch (IOException | InterruptedException | RuntimeException e) {
      allInOne.close();
      throw e;
    }
  }

  private void startParts(Config config, PrintWriter console)
      throws IOException, InterruptedException {
    Path dataDir = config.dataDir().toAbsolutePath();
    Files.createDirectories(dataDir);
    // first, so that a taken port fails before the broker starts
    MetricsEndpoint metrics = MetricsPort.start(config.metricsPort());
    parts.push(metrics);
    String bootstrap;
    if (config.bootstrapServers().isPresent()) {
      bootstrap = config.bootstrapServers().get();
    } else {
      EmbeddedBroker broker =
          EmbeddedBroker.start(EmbeddedBroker.Settings.of(dataDir, config.kafkaPort()));
      parts.push(broker);
      bootstrap = broker.bootstrapServers();
    }

    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      short replication =
          config.bootstrapServers().isPresent()
              ? TopicBootstrap.BROKER_DEFAULT_REPLICATION
              : (short) 1;
      TopicBootstrap.Report report =
          new TopicBootstrap(admin, replication).ensure(config.topics().specs());
      for (String conflict : report.conflicts()) {
        console.println("warning: topic settings differ from Tidewatch's: " + conflict);
      }
    }

    RulesTopic rulesTopic = new RulesTopic(bootstrap, config.topics());
    config
        .rules()
        .ifPresent(
            publication -> rulesTopic.publish(publication.documents(), publication.replaceAll()));
    parts.push(RuleWatcher.start(rulesTopic, rules));

    Producer<String, byte[]> producer = metricsProducer(bootstrap, config.topics());
    parts.push(producer::close);

    Producer<String, LogEvent> logsProducer = logsProducer(bootstrap, config.topics());
    parts.push(logsProducer::close);
    OtlpSink sink =
        new OtlpSink(
            producer,
            config.topics().metrics().name(),
            logsProducer,
            config.topics().logs().name());
    OtlpReceiverConfig otlp = config.otlpReceiver().withHost(config.otlpHost());
    OtlpHttpReceiver receiver =
        listen(
            () ->
                OtlpHttpReceiver.start(otlp.withPort(config.otlpPort()), sink, metrics.registry()),
            "OTLP/HTTP",
            config.otlpHost(),
            config.otlpPort(),
            "--otlp-port");
    parts.push(receiver);
    OtlpGrpcReceiver grpcReceiver =
        listen(
            () ->
                OtlpGrpcReceiver.start(
                    otlp.withPort(config.otlpGrpcPort()), sink, metrics.registry()),
            "OTLP/gRPC",
            config.otlpHost(),
            config.otlpGrpcPort(),
            "--otlp-grpc-port");
    parts.push(grpcReceiver);

    AlarmStreams streams =
        AlarmStreams.start(
            AlarmTopology.Config.of(config.topics(), rules),
            bootstrap,
            config.topics().prefix() + "alarms",
            dataDir.resolve("streams"));
    parts.push(streams);

    Path alarmLog = dataDir.resolve("alarms.log");
    AlarmConsoleWorker worker =
        new AlarmConsoleWorker(
            bootstrap,
            config.topics(),
            config.topics().prefix() + "console-actions",
            console,
            alarmLog);
    Thread workerThread = new Thread(worker, "tidewatch-console-actions");
    workerThread.start();
    parts.push(
        () -> {
          worker.close();
          workerThread.join(10_000);
        });

    ActionWorker actions =
        new ActionWorker(
            ActionWorkerConfig.of(bootstrap, config.topics())
                .withDryRun(config.dryRun())
                .withKafka(sessionTimeout(config.actionSessionTimeout())),
            rules::rules,
            Clock.systemUTC());
    actions.start();
    parts.push(actions);
    LaneMeters.register(actions, metrics.registry());
    failure =
        actions
            .stoppedLane()
            .thenApply(
                lane ->
                    "the action lane "
                        + lane.name()
                        + " stopped for good, so its actions are no longer run: "
                        + lane.failure());

    if (config.demo()) {
      parts.push(DemoMetrics.start(producer, config.topics().metrics().name(), Clock.systemUTC()));
    }
    Optional<String> ingestRest = Optional.empty();
    if (config.ingest().isPresent()) {
      // The connector's task records into the global registry (see FileLogSourceTask).
      Metrics.addRegistry(metrics.registry());
      parts.push(() -> Metrics.removeRegistry(metrics.registry()));
      ConnectWorker ingest =
          startIngest(config.ingest().get(), bootstrap, config.topics(), dataDir);
      parts.push(ingest);
      ingestRest = Optional.of(ingest.restUrl());
    }
    endpoints =
        new Endpoints(
            bootstrap,
            config.bootstrapServers().isEmpty(),
            receiver.endpoint(),
            receiver.logsEndpoint(),
            grpcReceiver.target(),
            metrics.uri(),
            alarmLog,
            dataDir,
            ingestRest);
  }

  /** The file connector in a standalone worker: the all-in-one has no Connect cluster to join. */
  private static ConnectWorker startIngest(
      Path settingsFile, String bootstrap, Topics topics, Path dataDir) throws IOException {
    String name = "tidewatch-files";
    Map<String, String> connector =
        ConnectWorker.fileConnector(ConnectorSettingsFile.read(settingsFile), topics, name, false);
    Map<String, String> worker =
        ConnectWorker.standaloneWorker(
            bootstrap, dataDir.resolve("ingest.offsets"), "http://127.0.0.1:0");
    try {
      return ConnectWorker.startStandalone(worker, name, connector);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the ingest worker", e);
    } catch (Exception e) {
      throw new IOException("cannot start the ingest worker: " + e.getMessage(), e);
    }
  }

  /** Starts a receiver; a taken port is a usage error that names the option to change. */
  private interface Listener<T> {
    T start() throws IOException;
  }

  private static <T> T listen(
      Listener<T> listener, String what, String host, int port, String option) throws IOException {
    try {
      return listener.start();
    } catch (BindException e) {
      throw new OneLineErrors.UsageException(
          "port "
              + port
              + " on "
              + host
              + " is already in use ("
              + what
              + "): stop what holds it, or choose another with "
              + option
              + " PORT ("
              + option
              + " 0 picks a free one)");
    }
  }

  private static Producer<String, LogEvent> logsProducer(String bootstrap, Topics topics) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.CLIENT_ID_CONFIG,
            topics.prefix() + "otlp-logs-receiver"),
        new StringSerializer(),
        topics.logs().codec().serializer());
  }

  /**
   * The receivers' producer of metric batches. No linger: the receiver batches the points of an
   * export itself and answers only once Kafka acknowledged them, so waiting for more records would
   * only delay every answer; concurrent exports still share produce requests while others are in
   * flight.
   */
  private static Producer<String, byte[]> metricsProducer(String bootstrap, Topics topics) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4",
            ProducerConfig.LINGER_MS_CONFIG,
            0,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.CLIENT_ID_CONFIG,
            topics.prefix() + "otlp-receiver"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** {@code session.timeout.ms} and a heartbeat a third of it (at most Kafka's default 3 s). */
  private static Map<String, Object> sessionTimeout(Duration timeout) {
    long millis = timeout.toMillis();
    return Map.of(
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, millis),
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(1, Math.min(3000, millis / 3)));
  }

  Endpoints endpoints() {
    return endpoints;
  }

  /**
   * Completes, with what happened, when a part fails for good and cannot recover on its own (an
   * action lane that stopped): the process should then stop loudly rather than run half alive.
   */
  CompletableFuture<String> failure() {
    return failure;
  }

  /** The rules in force: those on the rules topic, kept current as it changes. */
  RuleSet rules() {
    return rules.rules();
  }

  /** Stops the parts in the reverse order of their start; the broker goes last. */
  @Override
  public void close() {
    List<Exception> failures = new java.util.ArrayList<>();
    while (!parts.isEmpty()) {
      try {
        parts.pop().close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      IllegalStateException failure =
          new IllegalStateException("some parts did not stop cleanly: " + failures.get(0));
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
