package io.tidewatch.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small {@link SectionValidator} registered for this module's tests (the real one lives in the
 * actions module): only {@code route} is allowed at the top, and a route's receiver must be written
 * in lower case.
 */
public final class ReceiverNamesValidator implements SectionValidator {

  @Override
  public String section() {
    return "notifications";
  }

  @Override
  public List<Problem> validate(Map<String, Object> value) {
    List<Problem> problems = new ArrayList<>();
    for (String key : value.keySet()) {
      if (!key.equals("route")) {
        problems.add(new Problem("notifications." + key, "unknown key", true));
      }
    }
    if (value.get("route") instanceof Map<?, ?> route) {
      Object receiver = route.get("receiver");
      if (receiver == null) {
        problems.add(new Problem("notifications.route.receiver", "a receiver is required", false));
      } else if (!receiver.toString().equals(receiver.toString().toLowerCase())) {
        problems.add(
            new Problem("notifications.route.receiver", "receivers are lower case", false));
      }
    }
    return problems;
  }
}
