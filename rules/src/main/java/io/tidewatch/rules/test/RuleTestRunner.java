package io.tidewatch.rules.test;

import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.Diagnostic;
import io.tidewatch.rules.DiagnosticCode;
import io.tidewatch.rules.DidYouMean;
import io.tidewatch.rules.LoadResult;
import io.tidewatch.rules.RuleLoader;
import io.tidewatch.rules.RuleSet;
import io.tidewatch.rules.SourceSpan;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs rule-test files (RULES.md section 3), like {@code promtool test rules}: each test's series
 * go through the evaluator the stream processor uses, and its expectations are checked.
 *
 * <p>How a test runs, per alarm of the rule files: every input series its metric selects ({@link
 * io.tidewatch.rules.MetricSelector#matches}) is split by its groupBy values into alarm instances
 * ({@link AlarmRule#instanceOf}, ids as {@link AlarmRule#instanceId}); the samples of an instance
 * are aggregated per period {@code [k·period, (k+1)·period)} counted from the epoch; the instance
 * starts in INSUFFICIENT_DATA and is evaluated at every period end up to the test's latest {@code
 * at}, in order, with complete data (lateness and evaluation delay play no part) — from t = 0 for
 * an alarm without groupBy (it exists from its apply, data or not), from the end of the period of
 * its first sample for a groupBy instance; a transition fires the actions of the new state.
 *
 * <p>A metric-math alarm aggregates each of its metrics the same way and computes its datapoints
 * with {@link io.tidewatch.rules.alarm.MetricMathEvaluator} over each evaluation range; an
 * anomaly-band alarm learns its band per instance ({@link io.tidewatch.rules.alarm.AnomalyModel})
 * from its datapoints in time order. Composite alarms are evaluated when the test starts (their
 * creation) and at every time a metric alarm is evaluated, after it, with {@link
 * io.tidewatch.rules.alarm.CompositeEvaluator}; naming an alarm with groupBy sees its instances
 * rolled up ({@link io.tidewatch.rules.alarm.CompositeEvaluator#rollUp}).
 *
 * <p>{@code expect} gives the state once every evaluation at or before {@code at} happened (a
 * groupBy instance that has seen no sample is INSUFFICIENT_DATA); {@code expectActions} names the
 * actions fired by the evaluation at exactly {@code at}, and all of those of one instance at one
 * time must be expected, no more and no fewer.
 */
public final class RuleTestRunner {

  private final Clock clock;

  /** A runner that times tests with the system clock. */
  public RuleTestRunner() {
    this(Clock.systemUTC());
  }

  /**
   * @param clock times each test for the report (a fixed clock gives reproducible reports)
   */
  public RuleTestRunner(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Runs every test of every file, in order; never throws on bad input. */
  public RuleTestReport run(List<Path> testFiles) {
    List<RuleTestFileResult> results = new ArrayList<>();
    for (Path file : testFiles) {
      results.add(runFile(file));
    }
    return new RuleTestReport(results);
  }

  public RuleTestReport run(Path... testFiles) {
    return run(List.of(testFiles));
  }

  /**
   * Checks rule-test files without running them, for {@code tidewatch rules check}: the test file
   * itself, the rule files it names and every alarm and action its expectations name.
   *
   * @return one result per file, with diagnostics and no tests
   */
  public List<RuleTestFileResult> check(List<Path> testFiles) {
    return testFiles.stream().map(file -> prepare(file).checked()).toList();
  }

  private RuleTestFileResult runFile(Path path) {
    Prepared prepared = prepare(path);
    if (prepared.hasErrors()) {
      return prepared.checked();
    }
    List<RuleTestResult> tests = new ArrayList<>();
    for (RuleTestCase test : prepared.file().tests()) {
      long started = clock.millis();
      List<RuleTestFailure> failures = runTest(test, prepared.rules());
      tests.add(
          new RuleTestResult(
              prepared.label(),
              test.name(),
              Duration.ofMillis(clock.millis() - started),
              failures));
    }
    return new RuleTestFileResult(
        prepared.label(), prepared.diagnostics(), prepared.sources(), tests);
  }

  /**
   * A test file read, parsed and checked, with its rule files loaded; ready to run unless it has
   * errors ({@code file} and {@code rules} are null then).
   */
  private record Prepared(
      String label,
      List<Diagnostic> diagnostics,
      Map<String, String> sources,
      RuleTestFile file,
      RuleSet rules) {

    static Prepared failed(String label, DiagnosticCode code, String message) {
      return new Prepared(
          label,
          List.of(Diagnostic.of(code, SourceSpan.file(label), message)),
          Map.of(),
          null,
          null);
    }

    boolean hasErrors() {
      return file == null || diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    RuleTestFileResult checked() {
      return new RuleTestFileResult(label, diagnostics, sources, List.of());
    }
  }

  private static Prepared prepare(Path path) {
    String label = path.toString();
    List<Diagnostic> diagnostics = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    String text;
    try {
      if (Files.size(path) > RuleLoader.MAX_FILE_BYTES) {
        return Prepared.failed(
            label, DiagnosticCode.TOO_LARGE, "the rule-test file is larger than 4 MiB");
      }
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      return Prepared.failed(label, DiagnosticCode.UNREADABLE, "'" + label + "' is not UTF-8 text");
    } catch (IOException e) {
      return Prepared.failed(label, DiagnosticCode.UNREADABLE, "cannot read '" + label + "': " + e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    sources.put(label, text);
    Path directory = path.toAbsolutePath().getParent();
    Optional<RuleTestFile> parsed = RuleTestParser.parse(label, directory, text, diagnostics);
    diagnostics.sort(
        Comparator.comparingInt((Diagnostic d) -> d.span().line())
            .thenComparingInt(d -> d.span().column()));
    if (parsed.isEmpty()) {
      return new Prepared(label, diagnostics, sources, null, null);
    }
    LoadResult loaded = RuleLoader.loadFiles(expand(parsed.get().ruleFiles()));
    diagnostics.addAll(loaded.diagnostics());
    sources.putAll(loaded.sources());
    if (loaded.hasErrors()) {
      return new Prepared(label, diagnostics, sources, null, null);
    }
    RuleSet rules = loaded.ruleSet();
    for (RuleTestCase test : parsed.get().tests()) {
      checkReferences(test, rules, diagnostics);
    }
    return new Prepared(label, diagnostics, sources, parsed.get(), rules);
  }

  /**
   * Rule files as named, directories as the rule files directly inside them (rule tests left out),
   * sorted by name.
   */
  private static List<Path> expand(List<Path> ruleFiles) {
    List<Path> files = new ArrayList<>();
    for (Path path : ruleFiles) {
      if (!Files.isDirectory(path)) {
        files.add(path);
        continue;
      }
      try {
        files.addAll(RuleLoader.ruleFilesIn(path));
      } catch (IOException e) {
        files.add(path); // the loader reports it unreadable
      }
    }
    return files;
  }

  /**
   * Every alarm and action an expectation names must exist, with an instance of the right shape.
   */
  private static void checkReferences(
      RuleTestCase test, RuleSet rules, List<Diagnostic> diagnostics) {
    for (ExpectedState expected : test.expect()) {
      checkAlarm(expected.alarm(), expected.span(), rules, diagnostics);
    }
    for (ExpectedAction expected : test.expectActions()) {
      checkAlarm(expected.alarm(), expected.span(), rules, diagnostics);
      if (!rules.actions().containsKey(expected.action())) {
        diagnostics.add(
            Diagnostic.of(
                DiagnosticCode.UNDEFINED_REFERENCE,
                expected.span(),
                "action '"
                    + expected.action()
                    + "' (expected for "
                    + expected.alarm()
                    + ") is not defined in the rule files"
                    + hint(expected.action(), rules.actions().keySet())));
      }
    }
  }

  private static void checkAlarm(
      String text, SourceSpan span, RuleSet rules, List<Diagnostic> diagnostics) {
    InstanceRef ref = InstanceRef.parse(text);
    if (rules.compositeAlarm(ref.alarm()).isPresent()) {
      if (!ref.instance().isEmpty()) {
        diagnostics.add(
            Diagnostic.of(
                DiagnosticCode.BAD_VALUE,
                span,
                "'"
                    + ref.alarm()
                    + "' is a composite alarm, which has no instances: write "
                    + ref.alarm()
                    + " alone"));
      }
      return;
    }
    Optional<AlarmRule> rule = rules.alarm(ref.alarm());
    if (rule.isEmpty()) {
      Set<String> names = new TreeSet<>();
      rules.alarms().forEach(alarm -> names.add(alarm.name()));
      rules.compositeAlarms().forEach(alarm -> names.add(alarm.name()));
      diagnostics.add(
          Diagnostic.of(
              DiagnosticCode.UNDEFINED_REFERENCE,
              span,
              "alarm '"
                  + ref.alarm()
                  + "' is not defined in the rule files"
                  + hint(ref.alarm(), names)));
      return;
    }
    List<String> groupBy = rule.get().groupBy();
    if (!new LinkedHashSet<>(groupBy).equals(new LinkedHashSet<>(ref.instance().keySet()))) {
      String example =
          groupBy.isEmpty()
              ? ref.alarm()
              : ref.alarm()
                  + groupBy.stream()
                      .map(dimension -> dimension + "=...")
                      .collect(java.util.stream.Collectors.joining(",", "{", "}"));
      diagnostics.add(
          Diagnostic.of(
              DiagnosticCode.BAD_VALUE,
              span,
              "alarm '"
                  + ref.alarm()
                  + "' "
                  + (groupBy.isEmpty() ? "has no groupBy" : "groups by " + groupBy)
                  + ", so its instance is written "
                  + example
                  + ", not "
                  + text));
    }
  }

  private static String hint(String name, Set<String> names) {
    return DidYouMean.closest(name, names).map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  /** Runs one test whose references are known to be valid. */
  private static List<RuleTestFailure> runTest(RuleTestCase test, RuleSet rules) {
    long horizon =
        Stream.concat(
                test.expect().stream().map(ExpectedState::at),
                test.expectActions().stream().map(ExpectedAction::at))
            .mapToLong(Duration::toMillis)
            .max()
            .orElse(0);
    Map<String, Timeline> timelines;
    try {
      timelines = Simulation.run(rules, test, horizon);
    } catch (IllegalArgumentException e) {
      return List.of(new RuleTestFailure(test.span(), e.getMessage(), ""));
    }
    List<RuleTestFailure> failures = new ArrayList<>();
    for (ExpectedState expected : test.expect()) {
      String id = canonical(expected.alarm(), rules);
      Timeline timeline = timelines.get(id);
      long at = expected.at().toMillis();
      var actual =
          timeline == null
              ? io.tidewatch.model.alarm.AlarmState.INSUFFICIENT_DATA
              : timeline.stateAt(at);
      if (actual != expected.state()) {
        failures.add(
            new RuleTestFailure(
                expected.span(),
                "expected "
                    + expected.state()
                    + " at "
                    + TestTimes.format(expected.at())
                    + " for "
                    + id
                    + ", got "
                    + actual,
                details(timeline, id, at, test)));
      }
    }
    checkActions(test, rules, timelines, failures);
    return failures;
  }

  /**
   * The expected actions of each instance at each time, together, must be exactly those fired then.
   */
  private static void checkActions(
      RuleTestCase test,
      RuleSet rules,
      Map<String, Timeline> timelines,
      List<RuleTestFailure> failures) {
    Map<String, Map<Long, List<ExpectedAction>>> grouped = new LinkedHashMap<>();
    for (ExpectedAction expected : test.expectActions()) {
      grouped
          .computeIfAbsent(canonical(expected.alarm(), rules), id -> new LinkedHashMap<>())
          .computeIfAbsent(expected.at().toMillis(), at -> new ArrayList<>())
          .add(expected);
    }
    grouped.forEach(
        (id, byTime) ->
            byTime.forEach(
                (at, expectations) -> {
                  Timeline timeline = timelines.get(id);
                  List<String> fired = timeline == null ? List.of() : timeline.actionsAt(at);
                  Set<String> wanted = new LinkedHashSet<>();
                  expectations.forEach(expected -> wanted.add(expected.action()));
                  for (ExpectedAction expected : expectations) {
                    if (!fired.contains(expected.action())) {
                      failures.add(
                          new RuleTestFailure(
                              expected.span(),
                              "expected action "
                                  + expected.action()
                                  + " at "
                                  + TestTimes.format(at)
                                  + " for "
                                  + id
                                  + ", "
                                  + (fired.isEmpty()
                                      ? "but no action fired then"
                                      : "but only " + fired + " fired then")
                                  + firedElsewhere(timeline, expected.action()),
                              details(timeline, id, at, test)));
                    }
                  }
                  for (String action : fired) {
                    if (!wanted.contains(action)) {
                      failures.add(
                          new RuleTestFailure(
                              expectations.get(0).span(),
                              "unexpected action "
                                  + action
                                  + " at "
                                  + TestTimes.format(at)
                                  + " for "
                                  + id
                                  + ": it fired too, but is not expected",
                              details(timeline, id, at, test)));
                    }
                  }
                }));
  }

  private static String firedElsewhere(Timeline timeline, String action) {
    if (timeline == null) {
      return "";
    }
    List<String> times = timeline.firingTimes(action);
    return times.isEmpty() ? "" : "; it fired at " + String.join(", ", times);
  }

  /** The instance id as the processor writes it (groupBy order), whatever order the test used. */
  private static String canonical(String text, RuleSet rules) {
    InstanceRef ref = InstanceRef.parse(text);
    if (rules.compositeAlarm(ref.alarm()).isPresent()) {
      return ref.alarm();
    }
    return rules.alarm(ref.alarm()).map(rule -> rule.instanceId(ref.instance())).orElse(text);
  }

  private static String details(Timeline timeline, String id, long at, RuleTestCase test) {
    if (timeline != null) {
      return timeline.describe(at);
    }
    return id
        + " saw no samples: no series of test '"
        + test.name()
        + "' is selected by its metric (and has its groupBy dimensions), so the instance was never"
        + " created\n";
  }
}
