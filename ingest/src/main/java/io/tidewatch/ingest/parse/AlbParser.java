package io.tidewatch.ingest.parse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * AWS Application Load Balancer access logs: space-separated fields, some in double quotes, in the
 * documented order. Lines from before a field was introduced (fewer trailing fields) parse with the
 * fields they have; fields AWS adds later (beyond the last one known here) are ignored, as AWS asks
 * parsers to do. The event time is {@code time}.
 */
final class AlbParser extends GuardedParser {

  /** The fewest fields a line must have: up to {@code target_group_arn}, logged since 2016. */
  static final int MIN_FIELDS = 17;

  private enum Kind {
    STRING,
    TIME,
    ADDRESS,
    DOUBLE,
    LONG,
    REQUEST
  }

  /** AWS's name, our field name(s), and kind, in log order. */
  private static final Object[][] FIELDS = {
    {"type", Kind.STRING, "type"},
    {"time", Kind.TIME, "time"},
    {"elb", Kind.STRING, "elb"},
    {"client:port", Kind.ADDRESS, "clientIp", "clientPort"},
    {"target:port", Kind.ADDRESS, "targetIp", "targetPort"},
    {"request_processing_time", Kind.DOUBLE, "requestProcessingTime"},
    {"target_processing_time", Kind.DOUBLE, "targetProcessingTime"},
    {"response_processing_time", Kind.DOUBLE, "responseProcessingTime"},
    {"elb_status_code", Kind.LONG, "elbStatusCode"},
    {"target_status_code", Kind.LONG, "targetStatusCode"},
    {"received_bytes", Kind.LONG, "receivedBytes"},
    {"sent_bytes", Kind.LONG, "sentBytes"},
    {"request", Kind.REQUEST, "request", "method", "path", "protocol"},
    {"user_agent", Kind.STRING, "userAgent"},
    {"ssl_cipher", Kind.STRING, "sslCipher"},
    {"ssl_protocol", Kind.STRING, "sslProtocol"},
    {"target_group_arn", Kind.STRING, "targetGroupArn"},
    {"trace_id", Kind.STRING, "traceId"},
    {"domain_name", Kind.STRING, "domainName"},
    {"chosen_cert_arn", Kind.STRING, "chosenCertArn"},
    {"matched_rule_priority", Kind.LONG, "matchedRulePriority"},
    {"request_creation_time", Kind.STRING, "requestCreationTime"},
    {"actions_executed", Kind.STRING, "actionsExecuted"},
    {"redirect_url", Kind.STRING, "redirectUrl"},
    {"error_reason", Kind.STRING, "errorReason"},
    {"target:port_list", Kind.STRING, "targetPortList"},
    {"target_status_code_list", Kind.STRING, "targetStatusCodeList"},
    {"classification", Kind.STRING, "classification"},
    {"classification_reason", Kind.STRING, "classificationReason"},
    {"conn_trace_id", Kind.STRING, "connTraceId"},
    {"transformed_host", Kind.STRING, "transformedHost"},
    {"transformed_uri", Kind.STRING, "transformedUri"},
    {"request_transform_status", Kind.STRING, "requestTransformStatus"},
  };

  private static final int KNOWN = FIELDS.length;
  private static final Kind[] KINDS = new Kind[KNOWN];
  private static final String[] AWS_NAMES = new String[KNOWN];
  private static final int[] SLOTS = new int[KNOWN + 1];
  private static final FieldLayout LAYOUT;

  static {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < KNOWN; i++) {
      AWS_NAMES[i] = (String) FIELDS[i][0];
      KINDS[i] = (Kind) FIELDS[i][1];
      SLOTS[i] = names.size();
      for (int k = 2; k < FIELDS[i].length; k++) {
        names.add((String) FIELDS[i][k]);
      }
    }
    SLOTS[KNOWN] = names.size();
    LAYOUT = new FieldLayout(names);
  }

  AlbParser(int maxLineBytes) {
    super(maxLineBytes);
  }

  /** The field names of a line with every known field, in order. */
  static List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < LAYOUT.size(); i++) {
      names.add(LAYOUT.name(i));
    }
    return names;
  }

  @Override
  ParseResult parseLine(String line) {
    int[] bounds = new int[KNOWN * 2];
    int count = tokenize(line, bounds);
    if (count < 0) {
      return new Rejected(
          RejectReason.NO_MATCH, "field " + -count + " opens a quote that never closes");
    }
    if (count < MIN_FIELDS) {
      return new Rejected(
          RejectReason.WRONG_FIELD_COUNT,
          "expected at least " + MIN_FIELDS + " fields (up to target_group_arn), found " + count);
    }
    int known = Math.min(count, KNOWN);
    Object[] values = new Object[SLOTS[known]];
    Instant timestamp = null;
    for (int f = 0; f < known; f++) {
      int from = bounds[2 * f];
      int to = bounds[2 * f + 1];
      if (to - from == 1 && line.charAt(from) == '-') {
        continue; // absent: null, never 0
      }
      Object converted = convert(f, line, from, to, values);
      if (converted instanceof Rejected rejected) {
        return rejected;
      }
      if (converted instanceof Instant time) {
        timestamp = time;
      }
    }
    return new Parsed(timestamp, FieldMap.of(LAYOUT, values, values.length));
  }

  /**
   * Splits the line into space-separated fields, a quoted field running to its closing quote;
   * stores the first {@link #KNOWN} fields' bounds. Returns the number of fields, or minus the
   * (1-based) number of a quoted field that never closes.
   */
  private static int tokenize(String line, int[] bounds) {
    int length = line.length();
    int count = 0;
    int i = 0;
    while (i < length) {
      char c = line.charAt(i);
      if (c == ' ') {
        i++;
        continue;
      }
      int start;
      int end;
      if (c == '"') {
        start = i + 1;
        end = closingQuote(line, start);
        if (end < 0) {
          return -(count + 1);
        }
        i = end + 1;
      } else {
        start = i;
        end = line.indexOf(' ', i);
        end = end < 0 ? length : end;
        i = end;
      }
      if (count < KNOWN) {
        bounds[2 * count] = start;
        bounds[2 * count + 1] = end;
      }
      count++;
    }
    return count;
  }

  /**
   * Stores field {@code f} ({@code line[from, to)}, not {@code -}); returns a {@link Rejected} if
   * it is bad, the instant of the time field, or null.
   */
  private static Object convert(int f, String line, int from, int to, Object[] values) {
    int slot = SLOTS[f];
    switch (KINDS[f]) {
      case STRING:
        values[slot] = line.substring(from, to);
        return null;
      case TIME:
        Instant time = Timestamps.parseIso(line, from, to, true);
        if (time == null) {
          return badField(f, "an ISO 8601 time like 2018-07-02T22:23:00.186641Z", line, from, to);
        }
        values[slot] = line.substring(from, to);
        return time;
      case DOUBLE:
        double seconds = Numbers.parseDouble(line, from, to);
        if (Double.isNaN(seconds)) {
          return badField(f, "seconds", line, from, to);
        }
        values[slot] = seconds;
        return null;
      case LONG:
        long number = Numbers.parseLong(line, from, to);
        if (number == Numbers.NOT_A_LONG) {
          return badField(f, "an integer", line, from, to);
        }
        values[slot] = number;
        return null;
      case ADDRESS:
        return address(f, line, from, to, values, slot);
      case REQUEST:
        values[slot] = line.substring(from, to);
        RequestLine.split(line, from, to, values, slot + 1);
        return null;
      default:
        throw new IllegalStateException("unknown kind " + KINDS[f]);
    }
  }

  /** {@code ip:port}, {@code [ipv6]:port} or {@code ipv6:port}, split at the last colon. */
  private static Rejected address(int f, String line, int from, int to, Object[] values, int slot) {
    int colon = line.lastIndexOf(':', to - 1);
    if (colon < from + 1) {
      return badField(f, "ip:port", line, from, to);
    }
    long port = Numbers.parseLong(line, colon + 1, to);
    if (port < 0 || port > 65535) {
      return badField(f, "ip:port", line, from, to);
    }
    int ipFrom = from;
    int ipTo = colon;
    if (line.charAt(ipFrom) == '[' && line.charAt(ipTo - 1) == ']' && ipTo - ipFrom > 2) {
      ipFrom++;
      ipTo--;
    }
    values[slot] = line.substring(ipFrom, ipTo);
    values[slot + 1] = port;
    return null;
  }

  /**
   * The next {@code "} at or after {@code from} that ends a field: followed by a space or the end
   * of the line, and not escaped by a backslash.
   */
  private static int closingQuote(String line, int from) {
    int at = line.indexOf('"', from);
    while (at >= 0) {
      if ((at + 1 == line.length() || line.charAt(at + 1) == ' ') && !escaped(line, at, from)) {
        return at;
      }
      at = line.indexOf('"', at + 1);
    }
    return -1;
  }

  private static boolean escaped(String line, int at, int from) {
    int backslashes = 0;
    for (int i = at - 1; i >= from && line.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return (backslashes & 1) == 1;
  }

  private static Rejected badField(int f, String expected, String line, int from, int to) {
    String found =
        to - from > 40 ? line.substring(from, from + 40) + "..." : line.substring(from, to);
    return new Rejected(
        RejectReason.BAD_FIELD,
        AWS_NAMES[f]
            + " (field "
            + (f + 1)
            + "): expected "
            + expected
            + ". Found: '"
            + found
            + "'");
  }

  @Override
  public String toString() {
    return "AlbParser";
  }
}
