package io.tidewatch.ingest.parse;

/**
 * The checks every line passes before a format sees it: control characters, NUL, UTF-8 validity,
 * blankness. One pass, no allocation unless the line is bad.
 */
final class LineChecks {

  private LineChecks() {}

  /** Checks {@code length} chars of a string; {@code null} when the line is fine. */
  static Rejected checkChars(String line, int length) {
    for (int i = 0; i < length; i++) {
      char c = line.charAt(i);
      if ((char) (c - 0x20) < 0x5f) {
        continue; // ' '..'~': one unsigned comparison on the hot path
      }
      if (c < 0x20 || c == 0x7f) {
        Rejected bad = control(c, i);
        if (bad != null) {
          return bad;
        }
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(line.charAt(i + 1))) {
          i++;
        } else {
          return unpaired(i);
        }
      } else if (Character.isLowSurrogate(c)) {
        return unpaired(i);
      }
    }
    for (int i = 0; i < length; i++) {
      char c = line.charAt(i);
      if (c != ' ' && c != '\t' && c != 0x1b) {
        return null;
      }
    }
    return new Rejected(RejectReason.EMPTY, "blank line");
  }

  /** Checks UTF-8 bytes {@code [from, to)}; {@code null} when the line is fine. */
  static Rejected checkUtf8(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      int b = bytes[i];
      if ((b - 0x20 & 0xff) < 0x5f) {
        i++; // ' '..'~': one comparison on the hot path
        continue;
      }
      if (b >= 0) {
        Rejected bad = control(b, i - from);
        if (bad != null) {
          return bad;
        }
        i++;
        continue;
      }
      int length = sequenceLength(bytes, i, to);
      if (length < 0) {
        return new Rejected(
            RejectReason.INVALID_UTF8,
            "invalid UTF-8 sequence at byte " + (i - from + 1) + " (0x" + hex(b & 0xff) + ")");
      }
      i += length;
    }
    for (i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != 0x1b) {
        return null;
      }
    }
    return new Rejected(RejectReason.EMPTY, "blank line");
  }

  /** The length of the well-formed UTF-8 sequence starting at {@code i}, or -1. */
  private static int sequenceLength(byte[] bytes, int i, int to) {
    int lead = bytes[i] & 0xff;
    if (lead < 0xc2 || lead > 0xf4) {
      return -1; // a continuation byte, an overlong 2-byte lead, or beyond U+10FFFF
    }
    int length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (i + length > to) {
      return -1;
    }
    int second = bytes[i + 1] & 0xff;
    int min = 0x80;
    int max = 0xbf;
    if (lead == 0xe0) {
      min = 0xa0; // overlong
    } else if (lead == 0xed) {
      max = 0x9f; // surrogates
    } else if (lead == 0xf0) {
      min = 0x90; // overlong
    } else if (lead == 0xf4) {
      max = 0x8f; // beyond U+10FFFF
    }
    if (second < min || second > max) {
      return -1;
    }
    for (int k = 2; k < length; k++) {
      int next = bytes[i + k] & 0xff;
      if (next < 0x80 || next > 0xbf) {
        return -1;
      }
    }
    return length;
  }

  private static Rejected control(int c, int index) {
    if (c == '\t' || c == 0x1b || c == ' ') {
      return null; // TAB separates fields in many logs; ESC starts ANSI colours
    }
    if (c == 0) {
      return new Rejected(RejectReason.NUL, "NUL at column " + (index + 1));
    }
    return new Rejected(
        RejectReason.BINARY, "control character 0x" + hex(c) + " at column " + (index + 1));
  }

  private static Rejected unpaired(int index) {
    return new Rejected(RejectReason.INVALID_UTF8, "unpaired surrogate at column " + (index + 1));
  }

  private static String hex(int b) {
    String digits = Integer.toHexString(b).toUpperCase(java.util.Locale.ROOT);
    return digits.length() == 1 ? "0" + digits : digits;
  }
}
