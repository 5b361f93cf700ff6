package io.tidewatch.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tidewatch} command. */
@Command(
    name = "tidewatch",
    mixinStandardHelpOptions = true,
    versionProvider = TidewatchVersion.class,
    description = "Kafka-native metrics, alarms and actions.",
    subcommands = {
      UpCommand.class,
      TailCommand.class,
      IngestCommand.class,
      RulesCommand.class,
      SilenceCommand.class,
      LogsCommand.class,
      AgentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Tidewatch implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also what tests execute. */
  public static CommandLine commandLine() {
    return new CommandLine(new Tidewatch())
        .setExecutionExceptionHandler(new OneLineErrors())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
