package io.tidewatch.rules;

import io.tidewatch.rules.RuleFileParser.Named;
import io.tidewatch.rules.RuleFileParser.ParsedAction;
import io.tidewatch.rules.RuleFileParser.ParsedAlarm;
import io.tidewatch.rules.RuleFileParser.ParsedComposite;
import io.tidewatch.rules.RuleFileParser.ParsedFile;
import io.tidewatch.rules.RuleFileParser.ParsedNotifications;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a rules directory: every {@code *.yaml} / {@code *.yml} file in it (not in subdirectories)
 * except the rule tests beside them ({@code *.test.yaml}), in file-name order, checked against
 * RULES.md section 1. Every problem in every file is collected, never only the first; nothing here
 * throws on bad input.
 *
 * <p>The same loader backs the stream processor and {@code tidewatch rules check|test|apply}, so
 * what the check accepts is exactly what runs.
 */
public final class RuleLoader {

  /** Files larger than this are refused unread. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private RuleLoader() {}

  /** Loads every rule file directly inside {@code directory}. */
  public static LoadResult load(Path directory) {
    String label = directory.toString();
    if (!Files.isDirectory(directory)) {
      return failed(label, "'" + label + "' is not a directory of rule files");
    }
    try {
      return loadFiles(ruleFilesIn(directory));
    } catch (IOException e) {
      return failed(label, "cannot list '" + label + "': " + e.getMessage());
    }
  }

  /**
   * The rule files directly inside {@code directory}, sorted by name: every {@code *.yaml} and
   * {@code *.yml} file except rule tests ({@link #isTestFile}), which live beside the rules they
   * test (RULES.md section 1).
   */
  public static List<Path> ruleFilesIn(Path directory) throws IOException {
    return filesIn(directory, path -> isYaml(path) && !isTestFile(path));
  }

  /** The rule-test files ({@code *.test.yaml}, {@code *.test.yml}) directly inside a directory. */
  public static List<Path> testFilesIn(Path directory) throws IOException {
    return filesIn(directory, RuleLoader::isTestFile);
  }

  /** Whether a file is a rule test by its name: {@code *.test.yaml} or {@code *.test.yml}. */
  public static boolean isTestFile(Path path) {
    String name = path.getFileName().toString();
    return name.endsWith(".test.yaml") || name.endsWith(".test.yml");
  }

  private static List<Path> filesIn(Path directory, Predicate<Path> wanted) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(wanted)
          .sorted(Comparator.comparing(path -> path.getFileName().toString()))
          .toList();
    }
  }

  /**
   * Loads the given files as one directory (names unique across them, references resolved across
   * them), in the order given; for {@code rules test}, whose test files name their rule files.
   */
  public static LoadResult loadFiles(List<Path> files) {
    // Files are read and parsed on all cores (each on its own, in order); the checks across
    // files then run once, on the results in the order given.
    List<FileLoad> loads = files.parallelStream().map(RuleLoader::read).toList();
    Loading loading = new Loading();
    loads.forEach(loading::take);
    return loading.finish();
  }

  private static FileLoad read(Path path) {
    String label = path.toString();
    try {
      long size = Files.size(path);
      if (size > MAX_FILE_BYTES) {
        return FileLoad.tooLarge(label, size);
      }
      return FileLoad.parse(label, Files.readString(path, StandardCharsets.UTF_8));
    } catch (CharacterCodingException e) {
      return FileLoad.unreadable(label, "'" + label + "' is not UTF-8 text");
    } catch (IOException e) {
      return FileLoad.unreadable(label, "cannot read '" + label + "': " + e.getMessage());
    }
  }

  /**
   * Loads one file's text, e.g. from an editor buffer or a test.
   *
   * @param fileLabel how diagnostics name the file
   */
  public static LoadResult loadString(String fileLabel, String yaml) {
    Loading loading = new Loading();
    loading.take(
        yaml.length() > MAX_FILE_BYTES
            ? FileLoad.tooLarge(fileLabel, yaml.length())
            : FileLoad.parse(fileLabel, yaml));
    return loading.finish();
  }

  private static boolean isYaml(Path path) {
    String name = path.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static LoadResult failed(String label, String message) {
    Loading loading = new Loading();
    loading.take(FileLoad.unreadable(label, message));
    return loading.finish();
  }

  /**
   * One file, read and parsed on its own: what the checks across files start from.
   *
   * @param text null when the file was refused unread
   * @param parsed null when the file was refused unread
   */
  private record FileLoad(
      String label, String text, ParsedFile parsed, List<Diagnostic> diagnostics) {

    static FileLoad parse(String label, String text) {
      String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
      List<Diagnostic> diagnostics = new ArrayList<>();
      ParsedFile parsed = RuleFileParser.parse(label, content, diagnostics);
      return new FileLoad(label, content, parsed, diagnostics);
    }

    static FileLoad tooLarge(String label, long size) {
      return new FileLoad(
          label,
          null,
          null,
          List.of(
              Diagnostic.of(
                  DiagnosticCode.TOO_LARGE,
                  SourceSpan.file(label),
                  String.format(
                      "the file is %.1f MiB; rule files are limited to %d MiB, split it into"
                          + " several files",
                      size / (1024.0 * 1024.0), MAX_FILE_BYTES / (1024 * 1024)))));
    }

    static FileLoad unreadable(String label, String message) {
      return new FileLoad(
          label,
          null,
          null,
          List.of(Diagnostic.of(DiagnosticCode.UNREADABLE, SourceSpan.file(label), message)));
    }
  }

  /** One load: the files read so far, then the checks across them. */
  private static final class Loading {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, Integer> order = new HashMap<>();
    private final List<ParsedFile> parsed = new ArrayList<>();
    private final List<Diagnostic> diagnostics = new ArrayList<>();

    void take(FileLoad load) {
      order.putIfAbsent(load.label(), order.size());
      if (load.text() != null) {
        sources.put(load.label(), load.text());
        parsed.add(load.parsed());
      }
      diagnostics.addAll(load.diagnostics());
    }

    LoadResult finish() {
      Map<String, ActionDefinition> actions = new LinkedHashMap<>();
      Map<String, Named> actionNames = new HashMap<>();
      for (ParsedFile file : parsed) {
        for (ParsedAction action : file.actions()) {
          if (action.name() != null
              && unique("action", action.name(), actionNames)
              && action.definition() != null) {
            actions.put(action.name().name(), action.definition());
          }
        }
      }
      List<AlarmRule> alarms = new ArrayList<>();
      Map<String, Named> alarmNames = new HashMap<>();
      Map<String, List<String>> groupBys = new HashMap<>();
      for (ParsedFile file : parsed) {
        for (ParsedAlarm alarm : file.alarms()) {
          boolean valid = alarm.name() == null || unique("alarm", alarm.name(), alarmNames);
          for (Named reference : alarm.actionReferences()) {
            valid &= defined(reference, actionNames);
          }
          if (valid && alarm.rule() != null) {
            alarms.add(alarm.rule());
            groupBys.put(alarm.rule().name(), alarm.rule().groupBy());
          }
        }
      }
      List<CompositeAlarmRule> composites = composites(alarmNames, actionNames, groupBys);
      Map<String, Object> notifications = notifications();
      diagnostics.sort(
          Comparator.comparing((Diagnostic d) -> order.getOrDefault(d.span().file(), -1))
              .thenComparingInt(d -> d.span().line())
              .thenComparingInt(d -> d.span().column()));
      return new LoadResult(
          new RuleSet(alarms, actions, composites, notifications), diagnostics, sources);
    }

    /**
     * The one {@code notifications:} section of the directory, checked by the {@link
     * SectionValidator}s on the class path; empty when absent or invalid.
     */
    private Map<String, Object> notifications() {
      ParsedNotifications first = null;
      for (ParsedFile file : parsed) {
        ParsedNotifications section = file.notifications();
        if (section == null) {
          continue;
        }
        if (first == null) {
          first = section;
        } else {
          diagnostics.add(
              Diagnostic.of(
                  DiagnosticCode.DUPLICATE_NAME,
                  section.keySpan(),
                  "a rules directory has one 'notifications:' section; it is first defined at "
                      + first.keySpan().file()
                      + ":"
                      + first.keySpan().line()));
        }
      }
      if (first == null) {
        return Map.of();
      }
      boolean valid = true;
      for (SectionValidator validator : SectionValidators.forSection("notifications")) {
        for (SectionValidator.Problem problem : validator.validate(first.values())) {
          valid = false;
          diagnostics.add(
              Diagnostic.of(
                  problem.unknownKey() ? DiagnosticCode.UNKNOWN_KEY : DiagnosticCode.BAD_VALUE,
                  first.paths().locate(problem.path(), problem.unknownKey()),
                  Secrets.mask(problem.message())));
        }
      }
      return valid ? first.values() : Map.of();
    }

    /**
     * Composite alarms share the alarms' names; every alarm their rules name must exist (an
     * instance {@code name{dimension=value}} only of an alarm with exactly those groupBy
     * dimensions), and no composite may depend on itself through others.
     */
    private List<CompositeAlarmRule> composites(
        Map<String, Named> alarmNames,
        Map<String, Named> actionNames,
        Map<String, List<String>> groupBys) {
      Map<String, ParsedComposite> byName = new LinkedHashMap<>();
      Map<String, Boolean> valid = new LinkedHashMap<>();
      for (ParsedFile file : parsed) {
        for (ParsedComposite composite : file.composites()) {
          boolean ok =
              composite.name() == null || unique("composite alarm", composite.name(), alarmNames);
          if (ok && composite.name() != null) {
            byName.put(composite.name().name(), composite);
          }
          for (Named reference : composite.actionReferences()) {
            ok &= defined(reference, actionNames);
          }
          if (composite.name() != null && byName.get(composite.name().name()) == composite) {
            valid.put(composite.name().name(), ok && composite.rule() != null);
          }
        }
      }
      for (ParsedComposite composite : byName.values()) {
        for (Named reference : composite.alarmReferences()) {
          if (!alarmDefined(reference, alarmNames, groupBys, byName.keySet())) {
            valid.put(composite.name().name(), false);
          }
        }
      }
      for (String name : cycles(byName)) {
        valid.put(name, false);
      }
      Set<String> kept = new LinkedHashSet<>();
      valid.forEach(
          (name, ok) -> {
            if (ok) {
              kept.add(name);
            }
          });
      boolean changed = true;
      while (changed) { // drop composites that name a dropped composite, until none does
        changed = false;
        for (String name : List.copyOf(kept)) {
          for (Named reference : byName.get(name).alarmReferences()) {
            String target = baseName(reference.name());
            if (byName.containsKey(target) && !kept.contains(target)) {
              kept.remove(name);
              changed = true;
              break;
            }
          }
        }
      }
      return kept.stream().map(name -> byName.get(name).rule()).toList();
    }

    private boolean alarmDefined(
        Named reference,
        Map<String, Named> alarmNames,
        Map<String, List<String>> groupBys,
        Set<String> composites) {
      String base = baseName(reference.name());
      if (!alarmNames.containsKey(base)) {
        String hint =
            DidYouMean.closest(base, new TreeSet<>(alarmNames.keySet()))
                .map(name -> " (did you mean '" + name + "'?)")
                .orElse("");
        diagnostics.add(
            Diagnostic.of(
                DiagnosticCode.UNDEFINED_REFERENCE,
                reference.span(),
                "alarm '" + base + "' is not defined in any file" + hint));
        return false;
      }
      if (base.equals(reference.name())) {
        return true;
      }
      List<String> groupBy = groupBys.get(base);
      if (composites.contains(base) || (groupBy != null && groupBy.isEmpty())) {
        diagnostics.add(
            Diagnostic.of(
                DiagnosticCode.BAD_VALUE,
                reference.span(),
                "'" + base + "' has no groupBy, so it has no instances: write " + base + " alone"));
        return false;
      }
      if (groupBy == null) {
        return true; // the alarm has errors of its own, reported where it is defined
      }
      Set<String> written = new TreeSet<>();
      String inner = reference.name().substring(base.length() + 1, reference.name().length() - 1);
      for (String pair : inner.split(",", -1)) {
        int equals = pair.indexOf('=');
        written.add(equals < 0 ? pair.strip() : pair.substring(0, equals).strip());
      }
      if (!reference.name().endsWith("}") || !written.equals(new TreeSet<>(groupBy))) {
        diagnostics.add(
            Diagnostic.of(
                DiagnosticCode.BAD_VALUE,
                reference.span(),
                "'"
                    + reference.name()
                    + "' is not an instance of '"
                    + base
                    + "', which groups by "
                    + groupBy
                    + ": write "
                    + base
                    + groupBy.stream()
                        .map(dimension -> dimension + "=...")
                        .collect(Collectors.joining(",", "{", "}"))));
        return false;
      }
      return true;
    }

    /**
     * Reports every cycle among composite alarms once, at the reference that closes it, naming it
     * as {@code a -> b -> a}; returns the composites on a cycle.
     */
    private Set<String> cycles(Map<String, ParsedComposite> byName) {
      Set<String> onCycle = new LinkedHashSet<>();
      Set<String> done = new HashSet<>();
      for (String start : byName.keySet()) {
        visit(start, byName, new ArrayList<>(), done, onCycle);
      }
      return onCycle;
    }

    private void visit(
        String name,
        Map<String, ParsedComposite> byName,
        List<String> path,
        Set<String> done,
        Set<String> onCycle) {
      if (done.contains(name)) {
        return;
      }
      path.add(name);
      for (Named reference : byName.get(name).alarmReferences()) {
        String target = baseName(reference.name());
        if (!byName.containsKey(target)) {
          continue;
        }
        int index = path.indexOf(target);
        if (index >= 0) {
          List<String> cycle = new ArrayList<>(path.subList(index, path.size()));
          cycle.add(target);
          onCycle.addAll(cycle);
          diagnostics.add(
              Diagnostic.of(
                  DiagnosticCode.REFERENCE_CYCLE,
                  reference.span(),
                  "composite alarms form a cycle: "
                      + String.join(" -> ", cycle)
                      + "; a composite alarm cannot depend on itself"));
        } else {
          visit(target, byName, path, done, onCycle);
        }
      }
      path.remove(path.size() - 1);
      done.add(name);
    }

    private static String baseName(String reference) {
      int brace = reference.indexOf('{');
      return brace < 0 ? reference : reference.substring(0, brace);
    }

    private boolean unique(String kind, Named name, Map<String, Named> seen) {
      Named first = seen.putIfAbsent(name.name(), name);
      if (first == null) {
        return true;
      }
      diagnostics.add(
          Diagnostic.of(
              DiagnosticCode.DUPLICATE_NAME,
              name.span(),
              "duplicate "
                  + kind
                  + " name '"
                  + name.name()
                  + "'; it is first defined at "
                  + first.span().file()
                  + ":"
                  + first.span().line()));
      return false;
    }

    private boolean defined(Named reference, Map<String, Named> actionNames) {
      if (actionNames.containsKey(reference.name())) {
        return true;
      }
      String hint =
          DidYouMean.closest(reference.name(), new TreeSet<>(actionNames.keySet()))
              .map(name -> " (did you mean '" + name + "'?)")
              .orElse("");
      diagnostics.add(
          Diagnostic.of(
              DiagnosticCode.UNDEFINED_REFERENCE,
              reference.span(),
              Secrets.mask(
                  "action '"
                      + reference.name()
                      + "' is not defined in the 'actions:' section of any file"
                      + hint)));
      return false;
    }
  }
}
