package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.rules.Diagnostic;
import io.tidewatch.rules.DiagnosticCode;
import io.tidewatch.rules.DidYouMean;
import io.tidewatch.rules.Fields;
import io.tidewatch.rules.FileDiagnostics;
import io.tidewatch.rules.SourceSpan;
import io.tidewatch.rules.YamlDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Applies the rule-test schema (RULES.md section 3) to one file's node tree, reporting every
 * problem with its position as the rule-file parser does. References to alarms and actions need the
 * rules and are checked by {@link RuleTestRunner}.
 */
final class RuleTestParser {

  private static final List<String> FILE_KEYS = List.of("ruleFiles", "tests");
  private static final List<String> TEST_KEYS =
      List.of("name", "series", "expect", "expectActions", "logs");
  private static final List<String> SERIES_KEYS = List.of("metric", "every", "values");
  private static final List<String> METRIC_KEYS = List.of("namespace", "name", "dimensions");
  private static final List<String> EXPECT_KEYS = List.of("at", "alarm", "state");
  private static final List<String> EXPECT_ACTION_KEYS = List.of("at", "action", "alarm");

  private final FileDiagnostics diagnostics;
  private final Path directory;

  private RuleTestParser(FileDiagnostics diagnostics, Path directory) {
    this.diagnostics = diagnostics;
    this.directory = directory;
  }

  /**
   * @param directory what {@code ruleFiles} are relative to: the test file's directory
   * @return the file when it has no errors; empty after reporting them to {@code sink}
   */
  static Optional<RuleTestFile> parse(
      String file, Path directory, String text, List<Diagnostic> sink) {
    FileDiagnostics diagnostics = new FileDiagnostics(file, text, sink);
    Optional<RuleTestFile> parsed =
        YamlDocument.read(text, diagnostics)
            .flatMap(root -> new RuleTestParser(diagnostics, directory).file(root));
    return diagnostics.errors() > 0 ? Optional.empty() : parsed;
  }

  private Optional<RuleTestFile> file(Node root) {
    if (!(root instanceof MappingNode mapping)) {
      diagnostics.report(
          DiagnosticCode.WRONG_TYPE,
          root,
          "a rule-test file must be a mapping with 'ruleFiles:' and 'tests:', found "
              + YamlDocument.describe(root));
      return Optional.empty();
    }
    Fields fields = new Fields(mapping, diagnostics, "the rule-test file");
    fields.rejectUnknown(FILE_KEYS);
    List<Path> ruleFiles = ruleFiles(fields);
    List<RuleTestCase> tests = new ArrayList<>();
    Optional<Fields.Field> testsField = fields.get("tests", true);
    if (testsField.isPresent()) {
      Node value = testsField.get().value();
      if (value instanceof SequenceNode sequence && !sequence.getValue().isEmpty()) {
        Map<String, SourceSpan> names = new HashMap<>();
        for (Node item : sequence.getValue()) {
          test(item, names).ifPresent(tests::add);
        }
      } else if (!diagnostics.unusable(value)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            value,
            "'tests' must be a non-empty list of tests, each starting with '- name: ...', found "
                + YamlDocument.describe(value));
      }
    }
    return Optional.of(new RuleTestFile(diagnostics.file(), ruleFiles, tests));
  }

  private List<Path> ruleFiles(Fields fields) {
    List<Path> paths = new ArrayList<>();
    if (fields.get("ruleFiles", true).isEmpty()) {
      return paths;
    }
    List<ScalarNode> items = fields.stringList("ruleFiles", "[../rules/web.yaml]").orElse(null);
    if (items == null) {
      return paths;
    }
    if (items.isEmpty()) {
      diagnostics.report(
          DiagnosticCode.BAD_VALUE,
          fields.field("ruleFiles").orElseThrow().value(),
          "'ruleFiles' is empty; list the rule files (or directories) to test, relative to this"
              + " file");
    }
    for (ScalarNode item : items) {
      Path path = directory.resolve(item.getValue()).normalize();
      if (!Files.exists(path)) {
        diagnostics.report(
            DiagnosticCode.UNREADABLE,
            item,
            "rule file '"
                + item.getValue()
                + "' does not exist (resolved to '"
                + path
                + "'); paths are relative to the test file");
      } else {
        paths.add(path);
      }
    }
    return paths;
  }

  private Optional<RuleTestCase> test(Node item, Map<String, SourceSpan> names) {
    if (!(item instanceof MappingNode mapping)) {
      if (!diagnostics.unusable(item)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            item,
            "each item of 'tests' must be a mapping with 'name:', 'series:' and 'expect:', found "
                + YamlDocument.describe(item));
      }
      return Optional.empty();
    }
    int errorsBefore = diagnostics.errors();
    Fields fields = new Fields(mapping, diagnostics, "a test");
    Optional<ScalarNode> name = fields.stringNode("name", true);
    name.ifPresent(n -> fields.owner("test '" + n.getValue() + "'"));
    fields.rejectUnknown(TEST_KEYS);
    name.ifPresent(
        n -> {
          SourceSpan first = names.putIfAbsent(n.getValue(), diagnostics.span(n));
          if (first != null) {
            diagnostics.report(
                DiagnosticCode.DUPLICATE_NAME,
                n,
                "duplicate test name '"
                    + n.getValue()
                    + "'; it is first used at line "
                    + first.line());
          }
        });
    List<InputSeries> series = list(fields, "series", this::series);
    List<ExpectedState> expect = list(fields, "expect", this::expectation);
    List<ExpectedAction> expectActions = list(fields, "expectActions", this::expectedAction);
    if (fields.field("expect").isEmpty()
        && fields.field("expectActions").isEmpty()
        && name.isPresent()) {
      diagnostics.report(
          DiagnosticCode.MISSING_KEY,
          diagnostics.spanOfMapping(mapping),
          "test '"
              + name.get().getValue()
              + "' expects nothing; give it 'expect:' or 'expectActions:'");
    }
    fields
        .field("logs")
        .filter(logs -> !YamlDocument.isNull(logs.value()))
        .filter(logs -> !(logs.value() instanceof SequenceNode s && s.getValue().isEmpty()))
        .ifPresent(
            logs ->
                diagnostics.report(
                    DiagnosticCode.NOT_SUPPORTED_YET,
                    logs.keyNode(),
                    "'logs' (input for metric filters and queries) is not supported yet by the"
                        + " rule-test runner; this test cannot run"));
    if (diagnostics.errors() > errorsBefore || name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RuleTestCase(
            name.get().getValue(), diagnostics.span(name.get()), series, expect, expectActions));
  }

  private interface ItemParser<T> {
    Optional<T> parse(MappingNode item);
  }

  /** A list of mappings, each parsed by {@code parser}; problems are reported, items skipped. */
  private <T> List<T> list(Fields fields, String key, ItemParser<T> parser) {
    List<T> items = new ArrayList<>();
    Optional<Fields.Field> field = fields.get(key, false);
    if (field.isEmpty() || YamlDocument.isNull(field.get().value())) {
      return items;
    }
    if (!(field.get().value() instanceof SequenceNode sequence)) {
      fields.wrongType(field.get(), "a list of mappings, each starting with '- '");
      return items;
    }
    for (Node item : sequence.getValue()) {
      if (item instanceof MappingNode mapping) {
        parser.parse(mapping).ifPresent(items::add);
      } else if (!diagnostics.unusable(item)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            item,
            "each item of '" + key + "' must be a mapping, found " + YamlDocument.describe(item));
      }
    }
    return items;
  }

  private Optional<InputSeries> series(MappingNode node) {
    int errorsBefore = diagnostics.errors();
    Fields fields = new Fields(node, diagnostics, "a series");
    fields.rejectUnknown(SERIES_KEYS);
    Optional<MappingNode> metricNode =
        fields.mapping(
            "metric",
            true,
            "{namespace: Host, name: cpu_utilization, dimensions: {service: web, host: a}}");
    Optional<String> namespace = Optional.empty();
    Optional<String> name = Optional.empty();
    Optional<Map<String, String>> dimensions = Optional.empty();
    if (metricNode.isPresent()) {
      Fields metric = new Fields(metricNode.get(), diagnostics, "'metric'");
      metric.rejectUnknown(METRIC_KEYS);
      namespace = metric.string("namespace", true);
      name = metric.string("name", true);
      dimensions = metric.stringMap("dimensions", "{service: web, host: a}");
    }
    Optional<Duration> every = fields.duration("every", true);
    every
        .filter(Duration::isZero)
        .ifPresent(
            zero ->
                fields.badValue(
                    fields.field("every").orElseThrow().value(),
                    "'every' must be longer than 0s, e.g. 1m"));
    List<Double> values = values(fields);
    if (diagnostics.errors() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        new InputSeries(
            namespace.orElseThrow(),
            name.orElseThrow(),
            dimensions.orElse(Map.of()),
            every.orElseThrow(),
            values));
  }

  private List<Double> values(Fields fields) {
    Optional<ScalarNode> node = fields.stringNode("values", true);
    if (node.isEmpty()) {
      return null;
    }
    SeriesValues.Parsed parsed = SeriesValues.parse(node.get().getValue());
    for (SeriesValues.Problem problem : parsed.problems()) {
      diagnostics.report(
          DiagnosticCode.BAD_VALUE,
          diagnostics.span(node.get(), problem.offset(), problem.length()),
          problem.message());
    }
    return parsed.values();
  }

  private Optional<ExpectedState> expectation(MappingNode node) {
    int errorsBefore = diagnostics.errors();
    Fields fields = new Fields(node, diagnostics, "an expectation");
    fields.rejectUnknown(EXPECT_KEYS);
    Optional<Duration> at = fields.duration("at", true);
    Optional<ScalarNode> alarm = alarm(fields);
    Optional<AlarmState> state = state(fields);
    if (diagnostics.errors() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        new ExpectedState(
            at.orElseThrow(),
            alarm.orElseThrow().getValue(),
            state.orElseThrow(),
            diagnostics.span(alarm.orElseThrow())));
  }

  private Optional<ExpectedAction> expectedAction(MappingNode node) {
    int errorsBefore = diagnostics.errors();
    Fields fields = new Fields(node, diagnostics, "an action expectation");
    fields.rejectUnknown(EXPECT_ACTION_KEYS);
    Optional<Duration> at = fields.duration("at", true);
    Optional<String> action = fields.string("action", true);
    Optional<ScalarNode> alarm = alarm(fields);
    if (diagnostics.errors() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        new ExpectedAction(
            at.orElseThrow(),
            action.orElseThrow(),
            alarm.orElseThrow().getValue(),
            diagnostics.span(alarm.orElseThrow())));
  }

  private Optional<ScalarNode> alarm(Fields fields) {
    Optional<ScalarNode> alarm = fields.stringNode("alarm", true);
    if (alarm.isPresent()) {
      Optional<String> problem = InstanceRef.parse(alarm.get().getValue()).problem();
      if (problem.isPresent()) {
        fields.badValue(alarm.get(), problem.get());
        return Optional.empty();
      }
    }
    return alarm;
  }

  private Optional<AlarmState> state(Fields fields) {
    Optional<ScalarNode> node = fields.stringNode("state", true);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    String text = node.get().getValue();
    List<String> names = Arrays.stream(AlarmState.values()).map(Enum::name).toList();
    if (names.contains(text)) {
      return Optional.of(AlarmState.valueOf(text));
    }
    String hint =
        DidYouMean.closest(text, names)
            .map(s -> " (did you mean '" + s + "'?)")
            .orElse(" (expected one of " + String.join(", ", names) + ")");
    fields.badValue(node.get(), "unknown alarm state '" + text + "'" + hint);
    return Optional.empty();
  }
}
