package io.tidewatch.rules;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a rule-file section whose meaning belongs to a module the rules module must not depend on
 * (the {@code notifications:} section is the action workers' routing policy). Implementations are
 * found with {@link java.util.ServiceLoader}, so {@code tidewatch rules check} reports their
 * problems at the right {@code file:line:column} whenever that module is on the class path, and the
 * same rules pass or fail there as in the worker that uses them.
 */
public interface SectionValidator {

  /** The top-level key this validator checks, e.g. {@code notifications}. */
  String section();

  /**
   * Every problem of the section, never only the first.
   *
   * @param value the section as plain YAML values (String, Long, Double, Boolean, null, List, Map)
   */
  List<Problem> validate(Map<String, Object> value);

  /**
   * @param path where the problem is, from the file's root: {@code
   *     notifications.route.routes[1].groupWait}; the loader points at the deepest part of it that
   *     exists in the file
   * @param unknownKey whether the last part of the path is a key that is not allowed there
   */
  record Problem(String path, String message, boolean unknownKey) {
    public Problem {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(message, "message");
    }
  }
}
