package io.tidewatch.ingest.parse;

import java.util.Objects;

/**
 * A line that could not be parsed.
 *
 * @param reason the stable reason, for counting
 * @param detail a short human explanation (at most {@value #MAX_DETAIL_LENGTH} characters, control
 *     characters replaced), never {@code null}
 */
public record Rejected(RejectReason reason, String detail) implements ParseResult {

  public static final int MAX_DETAIL_LENGTH = 200;

  public Rejected {
    Objects.requireNonNull(reason, "reason");
    detail = sanitize(detail == null ? "" : detail);
  }

  /** {@code REASON: detail}, the form kept in {@code LogEvent.parseError}. */
  public String describe() {
    return detail.isEmpty() ? reason.name() : reason.name() + ": " + detail;
  }

  private static String sanitize(String detail) {
    String text =
        detail.length() > MAX_DETAIL_LENGTH
            ? detail.substring(0, MAX_DETAIL_LENGTH - 3) + "..."
            : detail;
    StringBuilder clean = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean bad = c < 0x20 || c == 0x7f || Character.isSurrogate(c);
      if (bad && clean == null) {
        clean = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (clean != null) {
        clean.append(bad ? '?' : c);
      }
    }
    return clean == null ? text : clean.toString();
  }
}
