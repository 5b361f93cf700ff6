package io.tidewatch.app;

import io.micrometer.core.instrument.Metrics;
import io.tidewatch.ingest.connect.FileLogSourceConfig;
import io.tidewatch.ingest.connect.FileLogSourceConnector;
import io.tidewatch.ingest.meter.MetricsEndpoint;
import io.tidewatch.model.topic.TopicBootstrap;
import io.tidewatch.model.topic.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tidewatch ingest}: a Kafka Connect worker in this process running {@link
 * FileLogSourceConnector} on the given files: distributed mode with exactly-once source support by
 * default, standalone (file offsets, at-least-once) with {@code --standalone}; see {@link
 * ConnectWorker}.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Tail log files into tw.logs with an in-process Kafka Connect worker (distributed mode,"
          + " exactly-once source support; or --standalone): rotation by rename and copytruncate"
          + " is followed, and a restart resumes after the last committed line.",
      "Example: tidewatch ingest --files '/var/log/nginx/access.log*' --format nginx"
          + " --log-group /nginx/access"
    })
final class IngestCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--files",
      paramLabel = "GLOB",
      arity = "1..*",
      split = ",",
      description =
          "Files to tail (globs; relative ones are taken from the current folder). Include the"
              + " rotated names (access.log*) so nothing rotated while down is missed.")
  List<String> files;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "nginx, apache, alb, vpc-flow, json or raw.")
  String format;

  @Option(
      names = "--log-format",
      paramLabel = "LOG_FORMAT",
      description = "nginx log_format string, or Apache LogFormat / common / combined.")
  String logFormat;

  @Option(
      names = "--fields",
      paramLabel = "FIELDS",
      description = "VPC flow log custom format (${version} ${vpc-id} ...).")
  String fields;

  @Option(
      names = "--log-group",
      paramLabel = "GROUP",
      description = "Log group, e.g. /nginx/access.")
  String logGroup;

  @Option(
      names = "--log-stream",
      paramLabel = "STREAM",
      description = "Log stream (default: the path of each file).")
  String logStream;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Connector settings (.properties or .yaml): files, format, log.format, fields, log.group,"
              + " log.stream, max.line.bytes, ... Options given on the command line win.")
  Path config;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      defaultValue = "tidewatch-files",
      description = "Connector name; its offsets are kept under it (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--group-id",
      paramLabel = "ID",
      description = "Connect cluster (worker group) id (default: <topic-prefix>connect).")
  String groupId;

  @Option(
      names = "--rest-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Interface of the Connect REST API (default: ${DEFAULT-VALUE}).")
  String restHost;

  @Option(
      names = "--rest-port",
      paramLabel = "PORT",
      defaultValue = "8083",
      description = "Port of the Connect REST API; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int restPort;

  @Option(
      names = "--standalone",
      description =
          "Standalone worker: offsets in a local file (--offsets-file), no internal topics."
              + " At-least-once: after a crash, up to a second of lines may be delivered again.")
  boolean standalone;

  @Option(
      names = "--offsets-file",
      paramLabel = "FILE",
      description =
          "Where a --standalone worker keeps its offsets (default: .tidewatch/ingest-NAME.offsets).")
  Path offsetsFile;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9465",
      description =
          "Port of /metrics (Prometheus text: lines ingested and discarded by reason, JVM) on"
              + " 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}, beside tidewatch up's"
              + " 9464).")
  int metricsPort;

  @Option(
      names = {"-W", "--worker-property"},
      paramLabel = "KEY=VALUE",
      description = "Any other Connect worker setting, e.g. -W session.timeout.ms=6000.")
  Map<String, String> workerProperties = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Topics topics = kafka.topics();
    Map<String, String> worker = standalone ? standaloneWorkerConfig() : workerConfig(topics);
    // Standalone, or -W exactly.once.source.support=disabled: at-least-once.
    Map<String, String> connector =
        connectorConfig(topics, "enabled".equals(worker.get("exactly.once.source.support")));
    kafka.requireTopics();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      new TopicBootstrap(admin, TopicBootstrap.BROKER_DEFAULT_REPLICATION).ensure(topics.specs());
    }
    MetricsEndpoint metrics = MetricsPort.start(metricsPort);
    // The connector's task is created by the worker, not by us: it records into the global
    // registry (see FileLogSourceTask), which this process serves by adding its registry to it.
    Metrics.addRegistry(metrics.registry());
    ConnectWorker running;
    try {
      running =
          standalone
              ? ConnectWorker.startStandalone(worker, name, connector)
              : ConnectWorker.startDistributed(worker, name, connector);
    } catch (Exception e) {
      stopMetrics(metrics);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopMetrics(metrics);
                  stopped.countDown();
                },
                "tidewatch-ingest-shutdown"));
    out.printf(
        "Tidewatch ingest is up: connector %s tails %s (%s) into %s; %s worker, Connect REST on"
            + " %s; metrics on %s%n",
        name,
        connector.get(FileLogSourceConfig.FILES_CONFIG),
        connector.get(FileLogSourceConfig.FORMAT_CONFIG),
        topics.logs().name(),
        standalone
            ? "standalone (at-least-once, offsets in "
                + worker.get("offset.storage.file.filename")
                + ")"
            : "distributed",
        running.restUrl(),
        metrics.uri());
    out.flush();
    stopped.await();
    return 0;
  }

  private static void stopMetrics(MetricsEndpoint metrics) {
    Metrics.removeRegistry(metrics.registry());
    metrics.close();
  }

  Map<String, String> connectorConfig(Topics topics, boolean exactlyOnce) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (config != null) {
      settings.putAll(ConnectorSettingsFile.read(config));
    }
    if (files != null) {
      List<String> absolute = new ArrayList<>();
      for (String glob : files) {
        absolute.add(Path.of(glob).isAbsolute() ? glob : Path.of("").toAbsolutePath() + "/" + glob);
      }
      settings.put(FileLogSourceConfig.FILES_CONFIG, String.join(",", absolute));
    }
    putIfSet(settings, FileLogSourceConfig.FORMAT_CONFIG, format);
    putIfSet(settings, FileLogSourceConfig.LOG_FORMAT_CONFIG, logFormat);
    putIfSet(settings, FileLogSourceConfig.FIELDS_CONFIG, fields);
    putIfSet(settings, FileLogSourceConfig.LOG_GROUP_CONFIG, logGroup);
    putIfSet(settings, FileLogSourceConfig.LOG_STREAM_CONFIG, logStream);
    return ConnectWorker.fileConnector(settings, topics, name, exactlyOnce);
  }

  Map<String, String> standaloneWorkerConfig() {
    Path offsets =
        offsetsFile != null ? offsetsFile : Path.of(".tidewatch", "ingest-" + name + ".offsets");
    Map<String, String> worker =
        ConnectWorker.standaloneWorker(
            kafka.bootstrapServers(), offsets, "http://" + restHost + ":" + restPort);
    worker.putAll(workerProperties);
    return worker;
  }

  Map<String, String> workerConfig(Topics topics) {
    Map<String, String> worker = new LinkedHashMap<>();
    worker.put("bootstrap.servers", kafka.bootstrapServers());
    worker.put("group.id", groupId != null ? groupId : topics.prefix() + "connect");
    worker.put("config.storage.topic", topics.prefix() + "connect-configs");
    worker.put("offset.storage.topic", topics.prefix() + "connect-offsets");
    worker.put("status.storage.topic", topics.prefix() + "connect-status");
    worker.put("config.storage.replication.factor", "-1");
    worker.put("offset.storage.replication.factor", "-1");
    worker.put("status.storage.replication.factor", "-1");
    worker.put("exactly.once.source.support", "enabled");
    worker.putAll(FileLogSourceConfig.CONVERTERS);
    worker.put("listeners", "http://" + restHost + ":" + restPort);
    // Plugins come from this process's classpath, found through their ServiceLoader manifests.
    worker.put("plugin.discovery", "service_load");
    // One worker per host is the usual deployment: hand a dead worker's task over at once.
    worker.put("scheduled.rebalance.max.delay.ms", "0");
    worker.putAll(workerProperties);
    return worker;
  }

  private static void putIfSet(Map<String, String> settings, String key, String value) {
    if (value != null) {
      settings.put(key, value);
    }
  }
}
