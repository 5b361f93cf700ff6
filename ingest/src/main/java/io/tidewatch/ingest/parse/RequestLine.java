package io.tidewatch.ingest.parse;

/**
 * Splits an HTTP request line ({@code GET /index.html HTTP/1.1}) into method, path and protocol. A
 * line that is not well-formed (binary junk, a TLS handshake sent to a plain-HTTP port, {@code -})
 * leaves all three {@code null}; the caller keeps the whole line as {@code request}.
 */
final class RequestLine {

  private RequestLine() {}

  /** Writes method, path and protocol of {@code line[from, to)} to {@code values[slot..slot+2]}. */
  static void split(String line, int from, int to, Object[] values, int slot) {
    int firstSpace = line.indexOf(' ', from);
    int lastSpace = line.lastIndexOf(' ', to - 1);
    if (firstSpace < 0
        || firstSpace >= to
        || lastSpace <= firstSpace + 1
        || !isMethod(line, from, firstSpace)
        || !isProtocol(line, lastSpace + 1, to)) {
      return;
    }
    values[slot] = line.substring(from, firstSpace);
    values[slot + 1] = line.substring(firstSpace + 1, lastSpace);
    values[slot + 2] = line.substring(lastSpace + 1, to);
  }

  private static boolean isMethod(String line, int from, int to) {
    if (to <= from || to - from > 32) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isProtocol(String line, int from, int to) {
    return to - from > 5 && to - from <= 16 && line.startsWith("HTTP/", from);
  }
}
