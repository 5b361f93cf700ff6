package io.tidewatch.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Applies the rule-file schema (RULES.md section 1) to one file's node tree. Checks that need the
 * whole directory (duplicate names, references to actions) are left to {@link RuleLoader}, which
 * gets names and references with their positions.
 */
final class RuleFileParser {

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private static final List<String> SECTIONS =
      List.of("alarms", "compositeAlarms", "actions", "notifications");
  private static final List<String> LATER_SECTIONS =
      List.of("metricFilters", "queries", "schedules", "healthChecks", "backups");
  private static final List<String> ALARM_KEYS =
      List.of(
          "name",
          "description",
          "metric",
          "groupBy",
          "statistic",
          "period",
          "evaluationPeriods",
          "datapointsToAlarm",
          "evaluationRange",
          "comparison",
          "threshold",
          "treatMissingData",
          "allowedLateness",
          "actions",
          "labels",
          "runbook",
          "maxInstances");
  private static final List<String> MATH_KEYS = List.of("metrics", "expression");
  private static final List<String> MATH_METRIC_KEYS = List.of("metric", "statistic");
  private static final Pattern MATH_ID = Pattern.compile("[a-z][A-Za-z0-9_]*");
  private static final List<String> BAND_KEYS = List.of("width");
  private static final List<String> COMPOSITE_KEYS =
      List.of("name", "description", "rule", "actions", "labels", "runbook");
  private static final List<String> METRIC_KEYS = List.of("namespace", "name", "dimensions");
  private static final List<String> ALARM_ACTION_KEYS = List.of("alarm", "ok", "insufficientData");

  /** A name as written, with where it was written. */
  record Named(String name, SourceSpan span) {}

  /**
   * @param rule null when the alarm has an error of its own
   */
  record ParsedAlarm(Named name, AlarmRule rule, List<Named> actionReferences) {}

  /**
   * @param definition null when the action has an error of its own
   */
  record ParsedAction(Named name, ActionDefinition definition) {}

  /**
   * @param rule null when the composite alarm has an error of its own
   * @param alarmReferences the alarms (or instances) its rule names, as written
   */
  record ParsedComposite(
      Named name,
      CompositeAlarmRule rule,
      List<Named> actionReferences,
      List<Named> alarmReferences) {}

  /**
   * A {@code notifications:} section: its meaning is checked by a {@link SectionValidator}.
   *
   * @param values the section as plain YAML values
   */
  record ParsedNotifications(SourceSpan keySpan, Map<String, Object> values, SectionPaths paths) {}

  /**
   * @param notifications null when the file has no usable {@code notifications:} section
   */
  record ParsedFile(
      List<ParsedAlarm> alarms,
      List<ParsedAction> actions,
      List<ParsedComposite> composites,
      ParsedNotifications notifications) {
    static final ParsedFile EMPTY = new ParsedFile(List.of(), List.of(), List.of(), null);
  }

  private final FileDiagnostics diagnostics;

  private RuleFileParser(FileDiagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /** Parses one file's text, adding its diagnostics to {@code sink}. */
  static ParsedFile parse(String file, String text, List<Diagnostic> sink) {
    FileDiagnostics diagnostics = new FileDiagnostics(file, text, sink);
    for (Secrets.Finding secret : Secrets.scan(text)) {
      diagnostics.report(
          DiagnosticCode.SECRET_LITERAL,
          new SourceSpan(file, secret.line(), secret.column(), secret.endColumn()),
          "this looks like "
              + secret.description()
              + "; secrets must not be written in rule files: providers read them from the"
              + " environment or a Kubernetes Secret");
    }
    return YamlDocument.read(text, diagnostics)
        .map(root -> new RuleFileParser(diagnostics).file(root))
        .orElse(ParsedFile.EMPTY);
  }

  private ParsedFile file(Node root) {
    if (!(root instanceof MappingNode mapping)) {
      diagnostics.report(
          DiagnosticCode.WRONG_TYPE,
          root,
          "a rule file must be a mapping of sections such as 'alarms:' and 'actions:', found "
              + YamlDocument.describe(root));
      return ParsedFile.EMPTY;
    }
    List<ParsedAlarm> alarms = new ArrayList<>();
    List<ParsedAction> actions = new ArrayList<>();
    List<ParsedComposite> composites = new ArrayList<>();
    ParsedNotifications notifications = null;
    List<String> known = new ArrayList<>(SECTIONS);
    known.addAll(LATER_SECTIONS);
    Fields sections = new Fields(mapping, diagnostics, "the file");
    sections.rejectUnknown(known, "section");
    for (Fields.Field section : sections.all()) {
      switch (section.key()) {
        case "alarms" -> alarms(section, alarms);
        case "actions" -> actions(section, actions);
        case "compositeAlarms" -> composites(section, composites);
        case "notifications" -> notifications = notifications(section);
        default -> {
          if (LATER_SECTIONS.contains(section.key())) {
            diagnostics.report(
                DiagnosticCode.UNSUPPORTED_SECTION,
                section.keyNode(),
                "section '" + section.key() + "' is not supported yet; it is ignored");
          }
        }
      }
    }
    return new ParsedFile(alarms, actions, composites, notifications);
  }

  @SuppressWarnings("unchecked")
  private ParsedNotifications notifications(Fields.Field section) {
    Node value = section.value();
    if (YamlDocument.isNull(value) || diagnostics.unusable(value)) {
      return null;
    }
    if (!(value instanceof MappingNode)) {
      diagnostics.report(
          DiagnosticCode.WRONG_TYPE,
          value,
          "'notifications' must be a mapping with 'route:' (and 'receivers:', 'muteTimeWindows:'),"
              + " found "
              + YamlDocument.describe(value));
      return null;
    }
    return new ParsedNotifications(
        diagnostics.span(section.keyNode()),
        (Map<String, Object>) plain(value),
        SectionPaths.index(section.key(), diagnostics.span(section.keyNode()), value, diagnostics));
  }

  private void composites(Fields.Field section, List<ParsedComposite> out) {
    Node value = section.value();
    if (YamlDocument.isNull(value) || diagnostics.unusable(value)) {
      return;
    }
    if (!(value instanceof SequenceNode sequence)) {
      diagnostics.report(
          DiagnosticCode.WRONG_TYPE,
          value,
          "'compositeAlarms' must be a list of composite alarms, each starting with '- name: ...',"
              + " found "
              + YamlDocument.describe(value));
      return;
    }
    for (Node item : sequence.getValue()) {
      if (item instanceof MappingNode composite) {
        out.add(composite(composite));
      } else if (!diagnostics.unusable(item)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            item,
            "each item of 'compositeAlarms' must be a mapping with 'name:' and 'rule:', found "
                + YamlDocument.describe(item));
      }
    }
  }

  private ParsedComposite composite(MappingNode node) {
    int errorsBefore = diagnostics.errors();
    Fields fields = new Fields(node, diagnostics, "a composite alarm");
    Named name = name(fields, "composite alarm");
    if (name != null) {
      fields.owner("composite alarm '" + name.name() + "'");
    }
    fields.rejectUnknown(COMPOSITE_KEYS);
    String description = fields.string("description", false).orElse("");
    List<Named> alarmReferences = new ArrayList<>();
    AlarmExpression expression = null;
    Optional<ScalarNode> rule = fields.stringNode("rule", true);
    if (rule.isPresent()) {
      AlarmExpressionParser.Result parsed = AlarmExpressionParser.parse(rule.get().getValue());
      for (AlarmExpressionParser.Problem problem : parsed.problems()) {
        diagnostics.report(
            DiagnosticCode.BAD_VALUE,
            diagnostics.span(rule.get(), problem.offset(), problem.length()),
            problem.message());
      }
      for (AlarmExpressionParser.Reference reference : parsed.references()) {
        alarmReferences.add(
            new Named(
                reference.name(),
                diagnostics.span(rule.get(), reference.offset(), reference.length())));
      }
      expression = parsed.expression();
    }
    List<Named> actionReferences = new ArrayList<>();
    AlarmActions actions = alarmActions(fields, actionReferences);
    Optional<Map<String, String>> labels = fields.stringMap("labels", "{severity: page}");
    String runbook = fields.string("runbook", false).orElse(null);
    if (diagnostics.errors() > errorsBefore || name == null || expression == null) {
      return new ParsedComposite(name, null, actionReferences, alarmReferences);
    }
    return new ParsedComposite(
        name,
        new CompositeAlarmRule(
            name.name(),
            description,
            rule.orElseThrow().getValue(),
            expression,
            actions,
            labels.orElse(Map.of()),
            runbook),
        actionReferences,
        alarmReferences);
  }

  private void alarms(Fields.Field section, List<ParsedAlarm> out) {
    Node value = section.value();
    if (YamlDocument.isNull(value) || diagnostics.unusable(value)) {
      return;
    }
    if (!(value instanceof SequenceNode sequence)) {
      diagnostics.report(
          DiagnosticCode.WRONG_TYPE,
          value,
          "'alarms' must be a list of alarms, each starting with '- name: ...', found "
              + YamlDocument.describe(value));
      return;
    }
    for (Node item : sequence.getValue()) {
      if (item instanceof MappingNode alarm) {
        out.add(alarm(alarm));
      } else if (!diagnostics.unusable(item)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            item,
            "each item of 'alarms' must be a mapping with 'name:', 'metric:' and so on, found "
                + YamlDocument.describe(item));
      }
    }
  }

  private ParsedAlarm alarm(MappingNode node) {
    int errorsBefore = diagnostics.errors();
    Fields fields = new Fields(node, diagnostics, "an alarm");
    List<String> known = new ArrayList<>(ALARM_KEYS);
    known.addAll(MATH_KEYS);
    known.add("anomalyBand");
    Named name = name(fields, "alarm");
    if (name != null) {
      fields.owner("alarm '" + name.name() + "'");
    }
    fields.rejectUnknown(known);
    String description = fields.string("description", false).orElse("");
    boolean math = MATH_KEYS.stream().anyMatch(key -> fields.field(key).isPresent());
    Optional<MetricSelector> metric = math ? Optional.of(MetricSelector.none()) : metric(fields);
    Optional<List<String>> groupBy = groupBy(fields);
    Optional<Statistic> statistic = math ? Optional.of(Statistic.SAMPLE_COUNT) : statistic(fields);
    Optional<MetricMath> metricMath = math ? metricMath(fields) : Optional.empty();
    Optional<Duration> period = period(fields);
    Optional<Integer> evaluationPeriods = fields.integer("evaluationPeriods", true, 1);
    Optional<Integer> datapointsToAlarm = fields.integer("datapointsToAlarm", false, 1);
    Optional<Integer> evaluationRange = fields.integer("evaluationRange", false, 1);
    evaluationPeriods.ifPresent(
        n -> checkAgainstEvaluationPeriods(fields, n, datapointsToAlarm, evaluationRange));
    period.ifPresent(p -> checkEvaluationWindow(fields, p, evaluationPeriods, evaluationRange));
    Optional<ComparisonOperator> comparison = comparison(fields);
    Optional<AnomalyBand> anomalyBand = anomalyBand(fields);
    boolean band = fields.field("anomalyBand").isPresent();
    checkBandComparison(fields, comparison, band);
    Optional<Double> threshold;
    if (band) {
      fields
          .field("threshold")
          .ifPresent(
              field ->
                  fields.badValue(
                      field.keyNode(),
                      "an anomaly-band alarm compares each datapoint with its learned band;"
                          + " remove 'threshold'"));
      threshold = Optional.of(0.0);
    } else {
      threshold = fields.number("threshold", true);
    }
    Optional<TreatMissingData> treatMissingData =
        enumValue(
            fields,
            "treatMissingData",
            false,
            TreatMissingData.class,
            "missing data treatment",
            text -> "");
    Optional<Duration> allowedLateness =
        fields
            .duration("allowedLateness", false)
            .filter(
                lateness ->
                    withinRange(
                        fields, "allowedLateness", RuleLimits.allowedLatenessProblem(lateness)));
    List<Named> references = new ArrayList<>();
    AlarmActions actions = alarmActions(fields, references);
    Optional<Map<String, String>> labels =
        fields.stringMap("labels", "{severity: page, team: web}");
    String runbook = fields.string("runbook", false).orElse(null);
    Optional<Integer> maxInstances = fields.integer("maxInstances", false, 1);
    if (diagnostics.errors() > errorsBefore || name == null) {
      return new ParsedAlarm(name, null, references);
    }
    int n = evaluationPeriods.orElseThrow();
    AlarmRule rule =
        new AlarmRule(
            name.name(),
            description,
            metric.orElseThrow(),
            groupBy.orElse(List.of()),
            statistic.orElseThrow(),
            period.orElseThrow(),
            n,
            datapointsToAlarm.orElse(n),
            evaluationRange.orElse(n + 2),
            comparison.orElseThrow(),
            threshold.orElseThrow(),
            treatMissingData.orElse(TreatMissingData.missing),
            allowedLateness.orElse(Duration.ZERO),
            actions,
            labels.orElse(Map.of()),
            runbook,
            metricMath.orElse(null),
            anomalyBand.orElse(null),
            maxInstances.orElse(AlarmRule.DEFAULT_MAX_INSTANCES));
    return new ParsedAlarm(name, rule, references);
  }

  /**
   * {@code metrics:} and {@code expression:}, both required once either is written; the alarm's own
   * {@code metric} and {@code statistic} must then be absent.
   */
  private Optional<MetricMath> metricMath(Fields alarm) {
    int errorsBefore = diagnostics.errors();
    for (String own : List.of("metric", "statistic")) {
      alarm
          .field(own)
          .ifPresent(
              field ->
                  alarm.badValue(
                      field.keyNode(),
                      "a metric-math alarm takes its metrics from 'metrics:' (each with its own"
                          + " statistic); remove '"
                          + own
                          + "'"));
    }
    Map<String, MathMetric> metrics = new LinkedHashMap<>();
    alarm
        .mapping("metrics", true, "{e: {metric: {namespace: Web, name: http_5xx}, statistic: Sum}}")
        .ifPresent(
            node -> {
              for (Fields.Field entry : new Fields(node, diagnostics, "'metrics'").all()) {
                mathMetric(entry).ifPresent(metric -> metrics.put(entry.key(), metric));
              }
              if (node.getValue().isEmpty()) {
                diagnostics.report(
                    DiagnosticCode.BAD_VALUE, node, "'metrics' must name at least one metric");
              }
            });
    Optional<ScalarNode> expression = alarm.stringNode("expression", true);
    MathExpression parsed = null;
    if (expression.isPresent()) {
      Set<String> ids = new java.util.LinkedHashSet<>();
      alarm
          .field("metrics")
          .filter(field -> field.value() instanceof MappingNode)
          .ifPresent(
              field ->
                  new Fields((MappingNode) field.value(), diagnostics, "'metrics'")
                      .all()
                      .forEach(entry -> ids.add(entry.key())));
      MathExpressionParser.Result result =
          MathExpressionParser.parse(expression.get().getValue(), ids);
      for (MathExpressionParser.Problem problem : result.problems()) {
        diagnostics.report(
            DiagnosticCode.BAD_VALUE,
            diagnostics.span(expression.get(), problem.offset(), problem.length()),
            problem.message());
      }
      parsed = result.expression();
    }
    if (diagnostics.errors() > errorsBefore || parsed == null || metrics.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MetricMath(metrics, expression.get().getValue(), parsed));
  }

  private Optional<MathMetric> mathMetric(Fields.Field entry) {
    int errorsBefore = diagnostics.errors();
    if (!MATH_ID.matcher(entry.key()).matches()) {
      diagnostics.report(
          DiagnosticCode.BAD_VALUE,
          entry.keyNode(),
          "metric id '"
              + entry.key()
              + "' is not valid: as in CloudWatch, an id starts with a lower-case letter and goes"
              + " on with letters, digits and '_'");
    }
    if (!(entry.value() instanceof MappingNode node)) {
      if (!diagnostics.unusable(entry.value())) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            entry.value(),
            "metric '"
                + entry.key()
                + "' must be a mapping, e.g. {metric: {namespace: Web, name: http_5xx},"
                + " statistic: Sum}, found "
                + YamlDocument.describe(entry.value()));
      }
      return Optional.empty();
    }
    Fields fields = new Fields(node, diagnostics, "metric '" + entry.key() + "'");
    fields.rejectUnknown(MATH_METRIC_KEYS);
    Optional<MetricSelector> metric = metric(fields);
    Optional<Statistic> statistic = statistic(fields);
    if (diagnostics.errors() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(new MathMetric(metric.orElseThrow(), statistic.orElseThrow()));
  }

  /** The required {@code name}, checked against {@link #NAME}; null when missing or invalid. */
  private Named name(Fields fields, String kind) {
    Optional<ScalarNode> node = fields.stringNode("name", true);
    if (node.isEmpty()) {
      return null;
    }
    String name = node.get().getValue();
    Optional<String> tooLong = RuleLimits.nameProblem(kind, name);
    if (tooLong.isPresent()) {
      diagnostics.report(DiagnosticCode.TOO_LONG, node.get(), tooLong.get());
      return null;
    }
    if (!NAME.matcher(name).matches()) {
      fields.badValue(node.get(), badName(kind, name));
      return null;
    }
    return new Named(name, diagnostics.span(node.get()));
  }

  private static String badName(String kind, String name) {
    return kind
        + " name '"
        + name
        + "' is not valid: use only letters, digits, '.', '_' and '-' ([A-Za-z0-9._-]+)";
  }

  private Optional<MetricSelector> metric(Fields alarm) {
    Optional<MappingNode> node =
        alarm.mapping("metric", true, "{namespace: Host, name: cpu_utilization}");
    if (node.isEmpty()) {
      return Optional.empty();
    }
    int errorsBefore = diagnostics.errors();
    Fields metric = new Fields(node.get(), diagnostics, "'metric'");
    metric.rejectUnknown(METRIC_KEYS);
    Optional<String> namespace = metric.string("namespace", true);
    Optional<String> name = metric.string("name", true);
    Optional<Map<String, String>> dimensions = metric.stringMap("dimensions", "{service: web}");
    if (diagnostics.errors() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        new MetricSelector(namespace.orElseThrow(), name.orElseThrow(), dimensions.orElse(null)));
  }

  private Optional<List<String>> groupBy(Fields alarm) {
    Optional<List<ScalarNode>> items = alarm.stringList("groupBy", "[host]");
    if (items.isEmpty()) {
      return Optional.empty();
    }
    List<String> groupBy = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ScalarNode item : items.get()) {
      if (!seen.add(item.getValue())) {
        alarm.badValue(item, "'groupBy' lists '" + item.getValue() + "' twice");
      }
      groupBy.add(item.getValue());
    }
    return Optional.of(groupBy);
  }

  private Optional<Statistic> statistic(Fields alarm) {
    Optional<ScalarNode> node = alarm.stringNode("statistic", true);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Statistic.parse(node.get().getValue()));
    } catch (Statistic.UnknownStatisticException e) {
      alarm.badValue(node.get(), e.getMessage());
      return Optional.empty();
    }
  }

  /** CloudWatch's periods: 10, 20 or 30 seconds (high resolution) or whole minutes. */
  private Optional<Duration> period(Fields alarm) {
    Optional<Duration> period = alarm.duration("period", true);
    if (period.isEmpty()) {
      return period;
    }
    long seconds = period.get().toSeconds();
    boolean valid =
        seconds == 10 || seconds == 20 || seconds == 30 || (seconds > 0 && seconds % 60 == 0);
    if (!valid) {
      Node node = alarm.field("period").orElseThrow().value();
      alarm.badValue(
          node,
          "'period' must be 10s, 20s, 30s or a multiple of 1m, found '"
              + ((ScalarNode) node).getValue()
              + "'");
      return Optional.empty();
    }
    return period.filter(p -> withinRange(alarm, "period", RuleLimits.periodProblem(p)));
  }

  /**
   * CloudWatch's limit on {@code period × evaluationPeriods}, and ours on {@code period ×
   * evaluationRange}, each reported at the count that breaks it.
   */
  private void checkEvaluationWindow(
      Fields alarm,
      Duration period,
      Optional<Integer> evaluationPeriods,
      Optional<Integer> evaluationRange) {
    evaluationPeriods.ifPresent(
        n -> withinRange(alarm, "evaluationPeriods", RuleLimits.evaluationProblem(period, n)));
    evaluationRange.ifPresent(
        r -> withinRange(alarm, "evaluationRange", RuleLimits.evaluationRangeProblem(period, r)));
  }

  /** Reports {@code problem} at the value of {@code key}; true when there is none. */
  private boolean withinRange(Fields fields, String key, Optional<String> problem) {
    problem.ifPresent(
        message ->
            diagnostics.report(
                DiagnosticCode.OUT_OF_RANGE, fields.field(key).orElseThrow().value(), message));
    return problem.isEmpty();
  }

  private void checkAgainstEvaluationPeriods(
      Fields alarm, int n, Optional<Integer> datapointsToAlarm, Optional<Integer> evaluationRange) {
    if (datapointsToAlarm.isPresent() && datapointsToAlarm.get() > n) {
      alarm.badValue(
          alarm.field("datapointsToAlarm").orElseThrow().value(),
          "'datapointsToAlarm' ("
              + datapointsToAlarm.get()
              + ") must not be greater than 'evaluationPeriods' ("
              + n
              + ")");
    }
    if (evaluationRange.isPresent() && evaluationRange.get() < n) {
      alarm.badValue(
          alarm.field("evaluationRange").orElseThrow().value(),
          "'evaluationRange' ("
              + evaluationRange.get()
              + ") must not be less than 'evaluationPeriods' ("
              + n
              + ")");
    }
  }

  private Optional<ComparisonOperator> comparison(Fields alarm) {
    return enumValue(alarm, "comparison", true, ComparisonOperator.class, "comparison", text -> "");
  }

  /** {@code anomalyBand: {width: 2}}, the width above 0. */
  private Optional<AnomalyBand> anomalyBand(Fields alarm) {
    Optional<MappingNode> node = alarm.mapping("anomalyBand", false, "{width: 2}");
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Fields band = new Fields(node.get(), diagnostics, "'anomalyBand'");
    band.rejectUnknown(BAND_KEYS);
    Optional<Double> width = band.number("width", true);
    if (width.isPresent() && !(width.get() > 0)) {
      band.badValue(
          band.field("width").orElseThrow().value(),
          "'width' is how many deviations the band reaches on each side of the mean; it must be"
              + " above 0, found "
              + width.get());
      return Optional.empty();
    }
    return width.map(AnomalyBand::new);
  }

  /** A band comparison needs an anomaly band, and an anomaly band a band comparison. */
  private void checkBandComparison(
      Fields alarm, Optional<ComparisonOperator> comparison, boolean band) {
    if (comparison.isEmpty() || comparison.get().isBand() == band) {
      return;
    }
    Node node = alarm.field("comparison").orElseThrow().value();
    alarm.badValue(
        node,
        band
            ? "an anomaly-band alarm compares with its band: use GreaterThanUpperThreshold,"
                + " LessThanLowerThreshold or LessThanLowerOrGreaterThanUpperThreshold, found '"
                + comparison.get()
                + "'"
            : "'"
                + comparison.get()
                + "' compares with an anomaly band; add 'anomalyBand: {width: 2}' (or compare"
                + " with a threshold)");
  }

  /**
   * A value that must be one of an enum's constants, spelt exactly; unknown ones are reported with
   * the nearest constant.
   */
  private <E extends Enum<E>> Optional<E> enumValue(
      Fields fields,
      String key,
      boolean required,
      Class<E> type,
      String what,
      Function<String, String> extraHint) {
    Optional<ScalarNode> node = fields.stringNode(key, required);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    String text = node.get().getValue();
    E[] constants = type.getEnumConstants();
    for (E constant : constants) {
      if (constant.name().equals(text)) {
        return Optional.of(constant);
      }
    }
    List<String> names = Arrays.stream(constants).map(Enum::name).toList();
    String hint = extraHint.apply(text);
    if (hint.isEmpty()) {
      hint =
          DidYouMean.closest(text, names)
              .map(name -> " (did you mean '" + name + "'?)")
              .orElse(" (expected one of " + String.join(", ", names) + ")");
    }
    fields.badValue(node.get(), "unknown " + what + " '" + text + "'" + hint);
    return Optional.empty();
  }

  private AlarmActions alarmActions(Fields alarm, List<Named> references) {
    Optional<Fields.Field> field = alarm.field("actions");
    if (field.isEmpty() || YamlDocument.isNull(field.get().value())) {
      return AlarmActions.none();
    }
    Optional<MappingNode> node =
        alarm.mapping("actions", false, "{alarm: [ops-slack], ok: [ops-slack]}");
    if (node.isEmpty()) {
      return AlarmActions.none();
    }
    Fields actions = new Fields(node.get(), diagnostics, "'actions'");
    actions.rejectUnknown(ALARM_ACTION_KEYS);
    List<List<String>> lists = new ArrayList<>();
    for (String state : ALARM_ACTION_KEYS) {
      List<String> names = new ArrayList<>();
      for (ScalarNode item : actions.stringList(state, "[ops-slack]").orElse(List.of())) {
        names.add(item.getValue());
        references.add(new Named(item.getValue(), diagnostics.span(item)));
      }
      lists.add(names);
    }
    return new AlarmActions(lists.get(0), lists.get(1), lists.get(2));
  }

  private void actions(Fields.Field section, List<ParsedAction> out) {
    Node value = section.value();
    if (YamlDocument.isNull(value) || diagnostics.unusable(value)) {
      return;
    }
    if (!(value instanceof MappingNode mapping)) {
      diagnostics.report(
          DiagnosticCode.WRONG_TYPE,
          value,
          "'actions' must be a mapping of action names to settings, e.g. 'ops-slack: {type:"
              + " slack, channel: \"#ops\"}', found "
              + YamlDocument.describe(value));
      return;
    }
    for (Fields.Field entry : new Fields(mapping, diagnostics, "'actions'").all()) {
      out.add(action(entry));
    }
  }

  private ParsedAction action(Fields.Field entry) {
    int errorsBefore = diagnostics.errors();
    Named name = null;
    Optional<String> tooLong = RuleLimits.nameProblem("action", entry.key());
    if (tooLong.isPresent()) {
      diagnostics.report(DiagnosticCode.TOO_LONG, entry.keyNode(), tooLong.get());
    } else if (NAME.matcher(entry.key()).matches()) {
      name = new Named(entry.key(), diagnostics.span(entry.keyNode()));
    } else {
      diagnostics.report(DiagnosticCode.BAD_VALUE, entry.keyNode(), badName("action", entry.key()));
    }
    if (!(entry.value() instanceof MappingNode mapping)) {
      if (!diagnostics.unusable(entry.value())) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE,
            entry.value(),
            "action '"
                + entry.key()
                + "' must be a mapping with a 'type', e.g. {type: slack, channel: \"#ops\"}, found "
                + YamlDocument.describe(entry.value()));
      }
      return new ParsedAction(name, null);
    }
    Fields fields = new Fields(mapping, diagnostics, "action '" + entry.key() + "'");
    Optional<String> type = fields.string("type", true);
    Map<String, Object> settings = new LinkedHashMap<>();
    for (Fields.Field setting : fields.all()) {
      if (!setting.key().equals("type")) {
        settings.put(setting.key(), plain(setting.value()));
      }
    }
    if (diagnostics.errors() > errorsBefore || name == null) {
      return new ParsedAction(name, null);
    }
    return new ParsedAction(name, new ActionDefinition(name.name(), type.orElseThrow(), settings));
  }

  /**
   * A node as a plain Java value for providers. The tree is known to be acyclic and small (see
   * {@link YamlDocument}), so plain recursion is safe.
   */
  private Object plain(Node node) {
    if (node instanceof MappingNode mapping) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Fields.Field field : new Fields(mapping, diagnostics, "a setting").all()) {
        map.put(field.key(), plain(field.value()));
      }
      return Collections.unmodifiableMap(map);
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        list.add(plain(item));
      }
      return Collections.unmodifiableList(list);
    }
    ScalarNode scalar = (ScalarNode) node;
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    try {
      if (Tag.NULL.equals(tag)) {
        return null;
      } else if (Tag.BOOL.equals(tag)) {
        return Boolean.parseBoolean(text);
      } else if (Tag.INT.equals(tag) && !text.startsWith("0x") && !text.startsWith("0o")) {
        return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
      } else if (Tag.FLOAT.equals(tag)) {
        return Double.parseDouble(text);
      }
    } catch (NumberFormatException e) {
      return text; // out of range or a YAML-only spelling: the provider gets the text
    }
    return text;
  }
}
