package io.tidewatch.app;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.tidewatch.ingest.agent.Agent;
import io.tidewatch.ingest.agent.AgentConfig;
import io.tidewatch.ingest.agent.AgentConfigException;
import io.tidewatch.ingest.agent.AgentConfigLoader;
import io.tidewatch.ingest.meter.MetricsEndpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tidewatch agent --config agent.yaml}: host metrics and log files into Kafka or to an OTLP
 * endpoint.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Ship host metrics (every interval) and the lines of log files to Kafka or an OTLP/HTTP"
          + " endpoint, spooling to disk while it is unreachable. Prints a status line once per"
          + " interval; Ctrl-C stops.",
      "The configuration format is documented in the README (section 'The agent')."
    })
final class AgentCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The agent configuration (YAML).")
  Path config;

  @Option(
      names = "--run-for",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop after this long (for tests and benchmarks); default: until stopped.")
  Duration runFor;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve /metrics (Prometheus text: lines ingested and discarded by reason, JVM) on"
              + " 127.0.0.1:PORT; 0 picks a free one. Default: not served.")
  Integer metricsPort;

  @Override
  public Integer call() throws InterruptedException, IOException {
    AgentConfig settings;
    try {
      settings = AgentConfigLoader.load(config);
    } catch (AgentConfigException e) {
      e.problems().forEach(problem -> spec.commandLine().getErr().println(problem));
      spec.commandLine().getErr().flush();
      return OneLineErrors.EXIT_USAGE;
    } catch (IOException e) {
      throw new OneLineErrors.UsageException("cannot read " + config + ": " + e.getMessage());
    }
    PrintStream status = statusStream();
    MetricsEndpoint metrics = metricsPort == null ? null : MetricsPort.start(metricsPort);
    Agent agent;
    try {
      agent =
          Agent.start(
              settings,
              status,
              metrics == null ? new CompositeMeterRegistry() : metrics.registry());
    } catch (IOException e) {
      closeMetrics(metrics);
      throw new OneLineErrors.UsageException("cannot start the agent: " + e.getMessage());
    }
    status.println(
        "tidewatch agent on "
            + settings.host()
            + ": metrics every "
            + settings.interval().toSeconds()
            + " s, "
            + settings.logs().size()
            + " log file set(s), "
            + output(settings.output())
            + ", spool "
            + settings.spoolDir()
            + (metrics == null ? "" : ", metrics on " + metrics.uri()));
    status.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> stop(agent, metrics, stopped), "tidewatch-agent-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    if (runFor == null) {
      stopped.await();
    } else if (!stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
      Runtime.getRuntime().removeShutdownHook(hook);
      stop(agent, metrics, stopped);
    }
    return 0;
  }

  /** Where the agent ships to, without header values. */
  private static String output(AgentConfig.Output output) {
    if (output instanceof AgentConfig.Otlp otlp) {
      return "OTLP " + otlp.endpoint();
    }
    return "Kafka " + ((AgentConfig.Kafka) output).bootstrapServers();
  }

  private static void stop(Agent agent, MetricsEndpoint metrics, CountDownLatch stopped) {
    agent.close();
    closeMetrics(metrics);
    stopped.countDown();
  }

  private static void closeMetrics(MetricsEndpoint metrics) {
    if (metrics != null) {
      metrics.close();
    }
  }

  private PrintStream statusStream() {
    var out = spec.commandLine().getOut();
    return new PrintStream(
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            out.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            out.write(new String(bytes, offset, length, StandardCharsets.UTF_8));
          }

          @Override
          public void flush() {
            out.flush();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }
}
