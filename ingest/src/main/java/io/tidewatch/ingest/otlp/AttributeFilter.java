package io.tidewatch.ingest.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which OTLP resource attributes become dimensions of a series (RULES.md section 2). A key passes
 * when it matches an {@code allow} pattern and no {@code deny} pattern. A pattern is an exact key
 * ({@code host.name}) or a prefix ending in {@code *} ({@code k8s.*}; a lone {@code *} matches
 * every key).
 *
 * <p>Point attributes are not filtered: every one of them is a dimension.
 */
public record AttributeFilter(List<String> allow, List<String> deny) {

  /** The resource attributes that identify where a series comes from, by default. */
  public static final List<String> DEFAULT_ALLOW =
      List.of(
          "service.name",
          "host.name",
          "deployment.environment",
          "k8s.*",
          "cloud.region",
          "cloud.availability_zone");

  public AttributeFilter {
    Objects.requireNonNull(allow, "allow");
    Objects.requireNonNull(deny, "deny");
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    List<String> violations = new ArrayList<>();
    check("allow", allow, violations);
    check("deny", deny, violations);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid attribute filter: " + String.join("; ", violations));
    }
  }

  /** {@link #DEFAULT_ALLOW}, nothing denied. */
  public static AttributeFilter defaults() {
    return new AttributeFilter(DEFAULT_ALLOW, List.of());
  }

  /** Whether a resource attribute with this key becomes a dimension. */
  public boolean test(String key) {
    return !matchesAny(deny, key) && matchesAny(allow, key);
  }

  private static boolean matchesAny(List<String> patterns, String key) {
    for (String pattern : patterns) {
      if (matches(pattern, key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String pattern, String key) {
    int last = pattern.length() - 1;
    if (pattern.charAt(last) == '*') {
      return key.regionMatches(0, pattern, 0, last);
    }
    return pattern.equals(key);
  }

  private static void check(String name, List<String> patterns, List<String> violations) {
    for (String pattern : patterns) {
      int star = pattern.indexOf('*');
      if (pattern.isEmpty() || (star >= 0 && star < pattern.length() - 1)) {
        violations.add(
            name
                + ": an attribute key, or a prefix followed by a single trailing '*'. Found: '"
                + pattern
                + "'");
      }
    }
  }
}
