package io.tidewatch.actions.policy;

import io.tidewatch.rules.SectionValidator;
import java.util.List;
import java.util.Map;

/**
 * Lets {@code tidewatch rules check} report problems of the {@code notifications:} section at their
 * line and column: the rules module finds this class with {@link java.util.ServiceLoader} and maps
 * each problem's path back to where it is written. The checks are {@link PolicyParser}'s, so a
 * section that passes the check is one the action workers can use.
 */
public final class NotificationsValidator implements SectionValidator {

  private static final String UNKNOWN_KEY = "unknown key";

  @Override
  public String section() {
    return "notifications";
  }

  @Override
  public List<Problem> validate(Map<String, Object> value) {
    return PolicyParser.problems(value).stream().map(NotificationsValidator::problem).toList();
  }

  /** {@link PolicyParser} writes each problem as {@code path: message}. */
  private static Problem problem(String text) {
    int colon = text.indexOf(": ");
    if (colon < 0) {
      return new Problem("notifications", text, false);
    }
    String message = text.substring(colon + 2);
    return new Problem(text.substring(0, colon), message, message.startsWith(UNKNOWN_KEY));
  }
}
