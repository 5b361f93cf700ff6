package io.tidewatch.app;

import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleDocument;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.rules.test.JUnitXmlWriter;
import io.tidewatch.rules.test.RuleTestReport;
import io.tidewatch.rules.test.RuleTestRunner;
import io.tidewatch.streams.rules.RulesTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * {@code tidewatch rules check DIR}: every error of the rule files and of the rule tests beside
   * them ({@code *.test.yaml}), with file:line:column and a caret.
   */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Validate every rule file in DIR and every rule test beside them (*.test.yaml); exit 1"
              + " if any has an error.")
  static final class Check implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "DIR",
        description = "Directory of rule files (*.yaml) and rule tests (*.test.yaml).")
    Path directory;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(directory)) {
        throw new OneLineErrors.UsageException("rules directory " + directory + " does not exist");
      }
      LoadResult rules = RuleLoader.load(directory);
      List<Path> testFiles = RuleLoader.testFilesIn(directory);
      RuleCheck check = RuleCheck.of(rules, new RuleTestRunner().check(testFiles));
      var out = spec.commandLine().getOut();
      out.print(check.render());
      int alarms = rules.ruleSet().alarms().size();
      out.printf(
          "%s: %s, %s, %s%n",
          directory,
          plural(alarms, "alarm"),
          plural(testFiles.size(), "test file"),
          plural(check.errorCount(), "error"));
      out.flush();
      return check.errorCount() > 0 ? OneLineErrors.EXIT_FAILURE : 0;
    }

    private static String plural(long count, String noun) {
      return count + " " + noun + (count == 1 ? "" : "s");
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

    @Parameters(
        paramLabel = "FILE",
        arity = "1..*",
        description =
            "Rule-test files (*.yaml), or directories: every *.test.yaml directly inside one.")
    List<Path> files;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report.")
    Path junit;

    @Override
    public Integer call() throws IOException {
      List<Path> testFiles = new ArrayList<>();
      for (Path file : files) {
        testFiles.addAll(testFiles(file));
      }
      RuleTestReport report = new RuleTestRunner().run(testFiles);
      var out = spec.commandLine().getOut();
      out.print(report.render());
      out.flush();
      if (junit != null) {
        JUnitXmlWriter.write(report, junit);
      }
      return report.passed() ? 0 : OneLineErrors.EXIT_FAILURE;
    }

    /** A file as given, or the rule tests directly inside a directory (at least one). */
    private static List<Path> testFiles(Path file) throws IOException {
      if (Files.isDirectory(file)) {
        List<Path> inside = RuleLoader.testFilesIn(file);
        if (inside.isEmpty()) {
          throw new OneLineErrors.UsageException(
              "no rule tests (*.test.yaml) in directory " + file);
        }
        return inside;
      }
      if (!Files.isRegularFile(file)) {
        throw new OneLineErrors.UsageException("rule-test file " + file + " does not exist");
      }
      return List.of(file);
    }
  }
}
