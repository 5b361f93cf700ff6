package io.tidewatch.app;

import io.tidewatch.ingest.otlp.OtlpReceiverConfig;
import io.tidewatch.model.topic.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidewatch up}: the all-in-one, with an embedded Kafka broker unless told otherwise. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Run everything in one process: an embedded Kafka broker (KRaft), the OTLP receiver, the"
            + " alarm processor, the action workers (Slack: set SLACK_BOT_TOKEN) and the console"
            + " worker. Ctrl-C stops it cleanly; a restart"
            + " reuses the data folder.")
final class UpCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".tidewatch",
      description =
          "Where the broker, state stores and the alarm log live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description =
          "Port of the embedded broker on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "Use this Kafka cluster instead of starting the embedded broker.")
  String bootstrapServers;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = Topics.DEFAULT_PREFIX,
      description = "Prefix of every Tidewatch topic (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--otlp-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "Interface of the OTLP/HTTP and OTLP/gRPC receivers (default: ${DEFAULT-VALUE}).")
  String otlpHost;

  @Option(
      names = "--otlp-port",
      paramLabel = "PORT",
      defaultValue = "4318",
      description =
          "Port of the OTLP/HTTP receiver; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int otlpPort;

  @Option(
      names = "--otlp-grpc-port",
      paramLabel = "PORT",
      defaultValue = "4317",
      description =
          "Port of the OTLP/gRPC receiver (metrics and logs), on --otlp-host; 0 picks a free one"
              + " (default: ${DEFAULT-VALUE}).")
  int otlpGrpcPort;

  @Option(
      names = "--otlp-header-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "10s",
      description =
          "OTLP/HTTP: close a connection whose request headers take longer than this to arrive"
              + " (default: ${DEFAULT-VALUE}).")
  Duration otlpHeaderTimeout;

  @Option(
      names = "--otlp-body-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description =
          "OTLP/HTTP: close a connection whose request body takes longer than this to arrive"
              + " after its headers (default: ${DEFAULT-VALUE}).")
  Duration otlpBodyTimeout;

  @Option(
      names = "--otlp-max-connections",
      paramLabel = "N",
      defaultValue = "32",
      description =
          "OTLP/HTTP: requests read and served at once; beyond this a request is answered 503"
              + " with Retry-After (default: ${DEFAULT-VALUE}).")
  int otlpMaxConnections;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9464",
      description =
          "Port of /metrics (Prometheus text: ingested and discarded counts, JVM) on 127.0.0.1; 0"
              + " picks a free one (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      description =
          "Directory of rule files (*.yaml) to apply on start; without it, the rules last applied"
              + " (tidewatch rules apply) stay in force.")
  Path rulesDir;

  @Option(
      names = "--demo",
      description =
          "Also produce a synthetic 'web' service CPU metric and its alarm: OK -> ALARM -> OK"
              + " within about 3 minutes.")
  boolean demo;

  @Option(
      names = "--ingest",
      paramLabel = "FILE",
      description =
          "Also tail log files into tw.logs: connector settings as for tidewatch ingest --config"
              + " (files, format, log.group, ...), run by a standalone Kafka Connect worker in this"
              + " process with its offsets in the data folder. At-least-once: after a crash up to a"
              + " second of lines may arrive again (tidewatch ingest, distributed, is exactly-once).")
  Path ingest;

  @Option(
      names = "--dry-run",
      description =
          "Action workers record what they would do in the ledger (tw.actions) but make no"
              + " mutating call (no Slack message, no scaling).")
  boolean dryRun;

  @Option(
      names = "--action-session-timeout",
      paramLabel = "DURATION",
      defaultValue = "45s",
      converter = DurationConverter.class,
      description =
          "How long Kafka waits for a silent action worker (a paused or frozen process) before it"
              + " hands the worker's events to another one; the worker re-joins when it wakes up."
              + " The broker allows 6s to 30m by default (default: ${DEFAULT-VALUE}).")
  Duration actionSessionTimeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Path> rules = rulesDirectory();
    AllInOne.Config config =
        new AllInOne.Config(
            dataDir,
            Optional.ofNullable(bootstrapServers).filter(s -> !s.isBlank()),
            kafkaPort,
            otlpHost,
            otlpPort,
            otlpGrpcPort,
            metricsPort,
            RuleFiles.forUp(rules, demo),
            demo,
            dryRun,
            new Topics(topicPrefix),
            Optional.ofNullable(ingest),
            otlpReceiverConfig(),
            actionSessionTimeout);
    CountDownLatch stopped = new CountDownLatch(1);
    AllInOne allInOne = AllInOne.start(config, out);
    Thread shutdown =
        new Thread(
            () -> {
              out.println("Stopping Tidewatch...");
              out.flush();
              allInOne.close();
              stopped.countDown();
            },
            "tidewatch-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    AtomicReference<String> failure = new AtomicReference<>();
    allInOne
        .failure()
        .thenAccept(
            reason -> {
              failure.set(reason);
              stopped.countDown();
            });
    Banner.print(out, allInOne.endpoints(), rules, allInOne.rules(), demo);
    stopped.await();
    if (failure.get() == null) {
      return 0;
    }
    return failed(failure.get(), shutdown, allInOne);
  }

  /**
   * A part failed for good: say so, stop everything and exit non-zero, so that a supervisor
   * (systemd, Kubernetes) restarts the process instead of leaving it running half alive.
   */
  private int failed(String reason, Thread shutdown, AllInOne allInOne) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("tidewatch up: " + reason);
    err.println("tidewatch up: stopping (exit " + OneLineErrors.EXIT_FAILURE + ")");
    err.flush();
    boolean ours;
    try {
      ours = Runtime.getRuntime().removeShutdownHook(shutdown);
    } catch (IllegalStateException e) {
      ours = false; // the JVM is shutting down already: the hook stops everything
    }
    if (ours) {
      allInOne.close();
    }
    return OneLineErrors.EXIT_FAILURE;
  }

  private OtlpReceiverConfig otlpReceiverConfig() {
    try {
      return OtlpReceiverConfig.defaults().toBuilder()
          .headerTimeout(otlpHeaderTimeout)
          .bodyTimeout(otlpBodyTimeout)
          .maxConnections(otlpMaxConnections)
          .build();
    } catch (IllegalArgumentException e) {
      throw new OneLineErrors.UsageException(
          e.getMessage()
              + " (set by --otlp-header-timeout, --otlp-body-timeout, --otlp-max-connections)");
    }
  }

  private Optional<Path> rulesDirectory() {
    if (rulesDir != null && !Files.isDirectory(rulesDir)) {
      throw new OneLineErrors.UsageException("rules directory " + rulesDir + " does not exist");
    }
    return Optional.ofNullable(rulesDir);
  }
}
