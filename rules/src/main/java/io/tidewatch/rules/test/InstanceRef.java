package io.tidewatch.rules.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An alarm instance as a rule test names it: {@code web-cpu-high{host=a}} or a bare alarm name.
 * Values cannot contain ',' or '}' (instance ids are not escaped, as in the stream processor).
 *
 * @param error why the text is not an instance id, or null
 */
record InstanceRef(String alarm, Map<String, String> instance, String error) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  static InstanceRef parse(String text) {
    int brace = text.indexOf('{');
    String name = brace < 0 ? text : text.substring(0, brace);
    if (!NAME.matcher(name).matches()) {
      return invalid(
          text,
          "'"
              + text
              + "' is not an alarm instance: write the alarm name, with its groupBy values for an"
              + " alarm with groupBy, e.g. web-cpu-high{host=a}");
    }
    if (brace < 0) {
      return new InstanceRef(name, Map.of(), null);
    }
    if (!text.endsWith("}") || text.length() == brace + 2) {
      return invalid(
          text,
          "'"
              + text
              + "' is not an alarm instance: write name{dimension=value,...}, e.g."
              + " web-cpu-high{host=a}");
    }
    Map<String, String> instance = new LinkedHashMap<>();
    for (String pair : text.substring(brace + 1, text.length() - 1).split(",", -1)) {
      int equals = pair.indexOf('=');
      if (equals <= 0 || pair.indexOf('}') >= 0 || pair.indexOf('{') >= 0) {
        return invalid(
            text,
            "'"
                + text
                + "' is not an alarm instance: '"
                + pair
                + "' is not dimension=value (e.g. web-cpu-high{host=a})");
      }
      String dimension = pair.substring(0, equals).strip();
      if (instance.putIfAbsent(dimension, pair.substring(equals + 1)) != null) {
        return invalid(text, "'" + text + "' names dimension '" + dimension + "' twice");
      }
    }
    return new InstanceRef(name, Collections.unmodifiableMap(instance), null);
  }

  private static InstanceRef invalid(String text, String problem) {
    return new InstanceRef(text, Map.of(), problem);
  }

  Optional<String> problem() {
    return Optional.ofNullable(error);
  }
}
