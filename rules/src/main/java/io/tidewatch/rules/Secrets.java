package io.tidewatch.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials that must never be written in rule files (RULES.md section 1: providers read them
 * from the environment or Kubernetes Secrets). Found in the raw text, so comments count too, and
 * masked wherever Tidewatch would otherwise print them back.
 */
final class Secrets {

  /** A kind of secret; {@code visible} leading characters stay readable when masked. */
  private enum Kind {
    SLACK_TOKEN("a Slack token", "xox[abposr]-[A-Za-z0-9-]{10,}", 5, "xox"),
    SLACK_WEBHOOK(
        "a Slack webhook URL",
        "https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9/_-]+",
        24,
        "hooks.slack.com"),
    AWS_ACCESS_KEY_ID(
        "an AWS access key id",
        "(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])",
        4,
        "AKIA",
        "ASIA");

    private final String description;
    private final Pattern pattern;
    private final int visible;
    private final String[] markers;

    /**
     * @param markers literal text every match contains: a text without any of them is skipped
     *     without running the pattern, which keeps checking large rule directories fast
     */
    Kind(String description, String regex, int visible, String... markers) {
      this.description = description;
      this.pattern = Pattern.compile(regex);
      this.visible = visible;
      this.markers = markers;
    }

    boolean mayOccurIn(String text) {
      for (String marker : markers) {
        if (text.contains(marker)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A secret on one line, 1-based code-point columns, end exclusive. */
  record Finding(int line, int column, int endColumn, String description) {}

  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

  private Secrets() {}

  static List<Finding> scan(String text) {
    List<Finding> findings = new ArrayList<>();
    List<Kind> possible = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      if (kind.mayOccurIn(text)) {
        possible.add(kind);
      }
    }
    if (possible.isEmpty()) {
      return findings;
    }
    String[] lines = LINE_BREAK.split(text, -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      for (Kind kind : possible) {
        Matcher matcher = kind.pattern.matcher(line);
        while (matcher.find()) {
          int column = line.codePointCount(0, matcher.start()) + 1;
          int endColumn = line.codePointCount(0, matcher.end()) + 1;
          findings.add(new Finding(i + 1, column, endColumn, kind.description));
        }
      }
    }
    return findings;
  }

  /** {@code text} with every secret's tail replaced by '*', same length so carets still align. */
  static String mask(String text) {
    String masked = text;
    for (Kind kind : Kind.values()) {
      if (!kind.mayOccurIn(masked)) {
        continue;
      }
      Matcher matcher = kind.pattern.matcher(masked);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        String secret = matcher.group();
        matcher.appendReplacement(
            out,
            Matcher.quoteReplacement(
                secret.substring(0, kind.visible) + "*".repeat(secret.length() - kind.visible)));
      }
      matcher.appendTail(out);
      masked = out.toString();
    }
    return masked;
  }
}
