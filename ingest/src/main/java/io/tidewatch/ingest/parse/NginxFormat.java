package io.tidewatch.ingest.parse;

/**
 * Compiles an nginx {@code log_format} string ({@code $remote_addr - $remote_user [$time_local]
 * ...}). Also accepts the directive as pasted from {@code nginx.conf}: {@code log_format main
 * [escape=...] '...' '...';}, or a bare sequence of single-quoted pieces, which nginx concatenates.
 */
final class NginxFormat {

  private NginxFormat() {}

  static AccessLogFormat compile(String format) {
    String text = unwrap(format.strip());
    if (text.equals("combined")) {
      text = LogFormats.NGINX_COMBINED;
    }
    AccessLogFormat.Builder builder = new AccessLogFormat.Builder(text);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        builder.literal(c);
        i++;
        continue;
      }
      if (text.charAt(i + 1) == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0 || close == i + 2 || !isName(text, i + 2, close)) {
          throw new IllegalArgumentException(
              "log format '"
                  + text
                  + "': '${' at column "
                  + (i + 1)
                  + " needs a variable name and a closing '}', as in ${status}");
        }
        builder.variable(text.substring(i + 2, close));
        i = close + 1;
      } else if (isNameChar(text.charAt(i + 1))) {
        int end = i + 1;
        while (end < text.length() && isNameChar(text.charAt(end))) {
          end++;
        }
        builder.variable(text.substring(i + 1, end));
        i = end;
      } else {
        builder.literal(c);
        i++;
      }
    }
    return builder.build();
  }

  /**
   * Strips a pasted {@code log_format name [escape=..]} prefix, nginx quoting and a final {@code
   * ;}.
   */
  private static String unwrap(String text) {
    boolean directive = text.startsWith("log_format ") || text.startsWith("log_format\t");
    if (directive) {
      String rest = text.substring("log_format".length()).strip();
      int nameEnd = firstWhitespace(rest);
      rest = nameEnd < 0 ? "" : rest.substring(nameEnd).strip(); // drop the format's name
      if (rest.startsWith("escape=")) {
        int end = firstWhitespace(rest);
        rest = end < 0 ? "" : rest.substring(end).strip();
      }
      text = rest;
    }
    if (text.endsWith(";") && (directive || text.startsWith("'"))) {
      text = text.substring(0, text.length() - 1).strip();
    }
    if (directive || text.startsWith("'")) {
      String joined = joinQuoted(text);
      if (joined != null) {
        return joined;
      }
      if (directive) {
        throw new IllegalArgumentException(
            "log_format directive: the format must be one or more quoted strings, as in"
                + " log_format main '$remote_addr - $remote_user [$time_local] \"$request\"';");
      }
    }
    return text;
  }

  /** {@code 'a' 'b'} → {@code ab}; {@code null} when the text is not only quoted pieces. */
  private static String joinQuoted(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    boolean any = false;
    while (i < text.length()) {
      char quote = text.charAt(i);
      if (Character.isWhitespace(quote)) {
        i++;
        continue;
      }
      if (quote != '\'' && quote != '"') {
        return null;
      }
      i++;
      boolean closed = false;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == quote) {
          out.append(quote);
          i += 2;
        } else if (c == quote) {
          closed = true;
          i++;
          break;
        } else {
          out.append(c);
          i++;
        }
      }
      if (!closed) {
        return null;
      }
      any = true;
    }
    return any ? out.toString() : null;
  }

  private static int firstWhitespace(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isName(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isNameChar(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
}
