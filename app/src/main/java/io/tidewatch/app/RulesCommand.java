package io.tidewatch.app;

import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidewatch rules ...}: work with rule files. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Check rule files.",
    subcommands = {RulesCommand.Check.class})
final class RulesCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code tidewatch rules check DIR}: every error, with file:line:column and a caret. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Validate every rule file in DIR; exit 1 if any has an error.")
  static final class Check implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Directory of rule files (*.yaml).")
    Path directory;

    @Override
    public Integer call() {
      if (!Files.isDirectory(directory)) {
        throw new OneLineErrors.UsageException("rules directory " + directory + " does not exist");
      }
      LoadResult result = RuleLoader.load(directory);
      var out = spec.commandLine().getOut();
      if (!result.diagnostics().isEmpty()) {
        out.print(result.render());
      }
      int errors =
          (int)
              result.diagnostics().stream()
                  .filter(d -> d.severity() == io.tidewatch.rules.Severity.ERROR)
                  .count();
      out.printf(
          "%s: %d alarm%s, %d error%s%n",
          directory,
          result.ruleSet().alarms().size(),
          result.ruleSet().alarms().size() == 1 ? "" : "s",
          errors,
          errors == 1 ? "" : "s");
      out.flush();
      return errors > 0 ? OneLineErrors.EXIT_FAILURE : 0;
    }
  }
}
