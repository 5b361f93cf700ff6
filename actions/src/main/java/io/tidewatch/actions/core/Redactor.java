package io.tidewatch.actions.core;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secret values from everything the worker records (ledger, dead letters, signals, logs of
 * failures), as a second line behind the providers' own care. A secret is the value of an
 * environment variable whose name says so ({@code *TOKEN*}, {@code *SECRET*}, {@code *PASSWORD*},
 * {@code *KEY*}, {@code *CREDENTIAL*}), plus anything shaped like a Slack token.
 */
final class Redactor {

  static final String MASK = "[redacted]";
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL).*");
  private static final Pattern SLACK_TOKEN = Pattern.compile("xox[abposr]-[A-Za-z0-9-]{6,}");
  private static final int SHORTEST_SECRET = 6;

  private final List<String> secrets;

  Redactor(Map<String, String> environment) {
    this.secrets =
        environment.entrySet().stream()
            .filter(entry -> SECRET_NAME.matcher(entry.getKey()).matches())
            .map(Map.Entry::getValue)
            .filter(value -> value != null && value.length() >= SHORTEST_SECRET)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  String redact(String text) {
    if (text == null) {
      return null;
    }
    String clean = text;
    for (String secret : secrets) {
      clean = clean.replace(secret, MASK);
    }
    return SLACK_TOKEN.matcher(clean).replaceAll(MASK);
  }

  Map<String, String> redact(Map<String, String> detail) {
    Map<String, String> clean = new HashMap<>();
    detail.forEach((key, value) -> clean.put(key, redact(value)));
    return clean;
  }
}
