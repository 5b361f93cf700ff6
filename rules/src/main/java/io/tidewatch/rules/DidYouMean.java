package io.tidewatch.rules;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The nearest valid name to a misspelt one, for "did you mean" hints: case-insensitive edit
 * distance of at most 2 (1 for inputs of 3 characters or fewer, so that short nonsense does not get
 * a suggestion), or the input being a prefix of 4+ characters of a valid name ({@code treatMissing}
 * suggests {@code treatMissingData}).
 *
 * <p><b>Internal</b>: public only so that the parsers of the {@code io.tidewatch.rules}
 * sub-packages (rule tests) share it with the rule-file parser; not an API, it may change in any
 * release.
 */
public final class DidYouMean {

  /** Longer inputs are not names anyone misspelt; do not spend time on them. */
  private static final int MAX_INPUT = 64;

  private DidYouMean() {}

  public static Optional<String> closest(String input, Collection<String> names) {
    Map<String, String> spellings = new LinkedHashMap<>();
    for (String name : names) {
      spellings.put(name, name);
    }
    return closest(input, spellings);
  }

  /**
   * @param spellings accepted spelling (valid names and known aliases) to the name to suggest
   */
  static Optional<String> closest(String input, Map<String, String> spellings) {
    if (input == null || input.isEmpty() || input.length() > MAX_INPUT) {
      return Optional.empty();
    }
    String wanted = input.toLowerCase(Locale.ROOT);
    int limit = wanted.length() <= 3 ? 1 : 2;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, String> spelling : spellings.entrySet()) {
      String candidate = spelling.getKey().toLowerCase(Locale.ROOT);
      int distance = distance(wanted, candidate);
      boolean prefix = wanted.length() >= 4 && candidate.startsWith(wanted);
      if (prefix && distance > limit) {
        distance = limit; // as good as a close typo, but not better than one
      }
      if (distance <= limit && distance < bestDistance) {
        best = spelling.getValue();
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
