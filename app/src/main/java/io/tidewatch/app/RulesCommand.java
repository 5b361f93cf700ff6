package io.tidewatch.app;

import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleDocument;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.rules.test.JUnitXmlWriter;
import io.tidewatch.rules.test.RuleTestReport;
import io.tidewatch.rules.test.RuleTestRunner;
import io.tidewatch.streams.rules.RulesTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidewatch rules ...}: work with rule files. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Check rule files and apply them to a running Tidewatch.",
    subcommands = {
      RulesCommand.Check.class,
      RulesCommand.Test.class,
      RulesCommand.Apply.class,
      BacktestCommand.class
    })
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

  /**
   * {@code tidewatch rules apply DIR}: check, then publish all or nothing to the rules topic;
   * running processors pick the change up without a restart.
   */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Check the rule files in DIR and, if they have no error, publish them to the rules topic in"
            + " one transaction. Rules on the topic that are not in DIR are removed.",
        "Running processors pick the change up without a restart."
      })
  static final class Apply implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "DIR", description = "Directory of rule files (*.yaml).")
    Path directory;

    @Override
    public Integer call() {
      if (!Files.isDirectory(directory)) {
        throw new OneLineErrors.UsageException("rules directory " + directory + " does not exist");
      }
      List<RuleDocument> documents = RuleFiles.documents(directory);
      kafka.requireTopics(kafka.topics().rules().name());
      RulesTopic.Publication publication =
          new RulesTopic(kafka.bootstrapServers(), kafka.topics()).publish(documents, true);
      var out = spec.commandLine().getOut();
      out.printf(
          "applied %s to %s: %d changed, %d unchanged, %d removed%n",
          directory,
          kafka.topics().rules().name(),
          publication.upserted().size(),
          publication.unchanged().size(),
          publication.removed().size());
      publication.upserted().forEach(id -> out.println("  ~ " + id));
      publication.removed().forEach(id -> out.println("  - " + id));
      out.flush();
      return 0;
    }
  }

  /**
   * {@code tidewatch rules test FILE...}: runs rule-test files through the evaluator the stream
   * processor uses, like {@code promtool test rules}.
   */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description =
          "Run rule-test files (input series over time, expected alarm states and actions); exit 1"
              + " if any test fails.")
  static final class Test implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule-test files (*.yaml).")
    List<Path> files;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report.")
    Path junit;

    @Override
    public Integer call() throws java.io.IOException {
      for (Path file : files) {
        if (!Files.isRegularFile(file)) {
          throw new OneLineErrors.UsageException("rule-test file " + file + " does not exist");
        }
      }
      RuleTestReport report = new RuleTestRunner().run(files);
      var out = spec.commandLine().getOut();
      out.print(report.render());
      out.flush();
      if (junit != null) {
        JUnitXmlWriter.write(report, junit);
      }
      return report.passed() ? 0 : OneLineErrors.EXIT_FAILURE;
    }
  }
}
