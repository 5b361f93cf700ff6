package io.tidewatch.ingest.parse;

import io.tidewatch.ingest.parse.AccessLogVariables.Kind;
import io.tidewatch.ingest.parse.AccessLogVariables.Spec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled access-log format: literals and variables alternating ({@code lit0 var0 lit1 ... varN
 * litN+1}). A line is parsed in one left-to-right pass: each variable's value runs up to the next
 * occurrence of the literal after it (the last literal must end the line), so no regular expression
 * and no backtracking is involved.
 *
 * <p>Quoted values may hold an escaped quote ({@code \"}, Apache's escaping): a literal starting
 * with {@code "} is not matched right after an odd number of backslashes. nginx's per-upstream
 * lists ({@code 0.010, 0.020 : 0.003}) are not split at their own separators.
 */
final class AccessLogFormat {

  private final String source;
  private final String[] literals;
  private final String[] variables;
  private final Kind[] kinds;
  private final int[] slots;
  private final FieldLayout layout;
  private final int timeVariable;

  private AccessLogFormat(
      String source,
      List<String> literals,
      List<String> variables,
      List<Kind> kinds,
      List<Integer> slots,
      List<String> fieldNames,
      int timeVariable) {
    this.source = source;
    this.literals = literals.toArray(new String[0]);
    this.variables = variables.toArray(new String[0]);
    this.kinds = kinds.toArray(new Kind[0]);
    this.slots = slots.stream().mapToInt(Integer::intValue).toArray();
    this.layout = new FieldLayout(fieldNames);
    this.timeVariable = timeVariable;
  }

  /** The format as given, for messages. */
  String source() {
    return source;
  }

  /** The field names of a parsed line, in order. */
  List<String> fieldNames() {
    List<String> names = new ArrayList<>(layout.size());
    for (int i = 0; i < layout.size(); i++) {
      names.add(layout.name(i));
    }
    return names;
  }

  ParseResult parse(String line) {
    int length = line.length();
    String first = literals[0];
    if (!line.startsWith(first)) {
      return noMatch("line does not start with '" + first + "'");
    }
    int count = variables.length;
    String last = literals[count];
    int tail = length - last.length();
    if (tail < first.length() || !line.endsWith(last)) {
      return noMatch("line does not end with '" + last + "'");
    }
    Object[] values = new Object[layout.size()];
    Instant timestamp = null;
    int pos = first.length();
    for (int v = 0; v < count; v++) {
      String next = literals[v + 1];
      int end = v == count - 1 ? tail : find(line, next, pos, tail, kinds[v]);
      if (end < 0) {
        return noMatch("no '" + next + "' after $" + variables[v] + " (column " + (pos + 1) + ")");
      }
      Object converted = convert(v, line, pos, end, values);
      if (converted instanceof Rejected rejected) {
        return rejected;
      }
      if (v == timeVariable && converted instanceof Instant instant) {
        timestamp = instant;
      }
      pos = end + next.length();
    }
    return new Parsed(timestamp, FieldMap.of(layout, values, values.length));
  }

  /**
   * Where {@code literal} next starts in {@code [from, limit)}, skipping escaped quotes and list
   * separators, or -1.
   */
  private static int find(String line, String literal, int from, int limit, Kind kind) {
    int at = line.indexOf(literal, from);
    while (at >= 0 && at + literal.length() <= limit) {
      char head = literal.charAt(0);
      boolean skip =
          (head == '"' && escaped(line, at, from))
              || (head == ' ' && kind.isList() && listSeparator(line, at, from));
      if (!skip) {
        return at;
      }
      at = line.indexOf(literal, at + 1);
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

  /** Whether the space at {@code at} belongs to nginx's {@code ", "} or {@code " : "}. */
  private static boolean listSeparator(String line, int at, int from) {
    return (at > from && line.charAt(at - 1) == ',')
        || line.startsWith(" : ", at)
        || (at - 2 >= from && line.charAt(at - 1) == ':' && line.charAt(at - 2) == ' ');
  }

  /**
   * Stores the value of variable {@code v} ({@code line[from, to)}); returns a {@link Rejected},
   * the variable's instant for a time variable, or null.
   */
  private Object convert(int v, String line, int from, int to, Object[] values) {
    int slot = slots[v];
    if (to - from == 1 && line.charAt(from) == '-') {
      return null; // absent: null, never 0
    }
    switch (kinds[v]) {
      case STRING:
      case STRING_LIST:
        values[slot] = line.substring(from, to);
        return null;
      case LONG:
        long number = Numbers.parseLong(line, from, to);
        if (number == Numbers.NOT_A_LONG) {
          return badField(v, "an integer", line, from, to);
        }
        values[slot] = number;
        return null;
      case DOUBLE:
        double decimal = Numbers.parseDouble(line, from, to);
        if (Double.isNaN(decimal)) {
          return badField(v, "a number", line, from, to);
        }
        values[slot] = decimal;
        return null;
      case TIME_LOCAL:
        Instant local = Timestamps.parseCommonLogTime(line, from, to);
        if (local == null) {
          return badField(v, "a time like 10/Oct/2000:13:55:36 -0700", line, from, to);
        }
        values[slot] = line.substring(from, to);
        return local;
      case TIME_ISO:
        Instant iso = Timestamps.parseIso(line, from, to, true);
        if (iso == null) {
          return badField(v, "an ISO 8601 time like 2000-10-10T13:55:36-07:00", line, from, to);
        }
        values[slot] = line.substring(from, to);
        return iso;
      case TIME_MSEC:
        Instant msec = Timestamps.parseEpochSeconds(line, from, to);
        if (msec == null) {
          return badField(v, "epoch seconds like 1593102347.123", line, from, to);
        }
        values[slot] = Numbers.parseDouble(line, from, to);
        return msec;
      case REQUEST:
        values[slot] = line.substring(from, to);
        RequestLine.split(line, from, to, values, slot + 1);
        return null;
      default:
        return convertList(v, line, from, to, values);
    }
  }

  /**
   * nginx upstream lists: items separated by {@code ", "} or {@code " : "}, each maybe {@code -}.
   */
  private Object convertList(int v, String line, int from, int to, Object[] values) {
    Kind kind = kinds[v];
    double seconds = 0;
    long sum = 0;
    Long lastValue = null;
    boolean any = false;
    int start = from;
    while (start <= to) {
      int end = start;
      while (end < to && line.charAt(end) != ',' && line.charAt(end) != ':') {
        end++;
      }
      int itemFrom = start;
      int itemTo = end;
      while (itemFrom < itemTo && line.charAt(itemFrom) == ' ') {
        itemFrom++;
      }
      while (itemTo > itemFrom && line.charAt(itemTo - 1) == ' ') {
        itemTo--;
      }
      boolean dash = itemTo - itemFrom == 1 && line.charAt(itemFrom) == '-';
      if (!dash) {
        if (kind == Kind.SECONDS_LIST) {
          double item = Numbers.parseDouble(line, itemFrom, itemTo);
          if (Double.isNaN(item)) {
            return badField(v, "seconds, or a list of them", line, from, to);
          }
          seconds += item;
        } else {
          long item = Numbers.parseLong(line, itemFrom, itemTo);
          if (item == Numbers.NOT_A_LONG) {
            return badField(v, "an integer, or a list of them", line, from, to);
          }
          sum += item;
          lastValue = item;
        }
        any = true;
      } else if (kind == Kind.LAST_LONG_LIST) {
        lastValue = null;
      }
      start = end + 1;
    }
    if (kind == Kind.SECONDS_LIST) {
      values[slots[v]] = any ? seconds : null;
    } else if (kind == Kind.LONG_LIST) {
      values[slots[v]] = any ? sum : null;
    } else {
      values[slots[v]] = lastValue;
    }
    return null;
  }

  private Rejected badField(int v, String expected, String line, int from, int to) {
    String found =
        to - from > 40 ? line.substring(from, from + 40) + "..." : line.substring(from, to);
    return new Rejected(
        RejectReason.BAD_FIELD,
        "$" + variables[v] + ": expected " + expected + ". Found: '" + found + "'");
  }

  private static Rejected noMatch(String detail) {
    return new Rejected(RejectReason.NO_MATCH, detail);
  }

  /** Collects literals and variables, then compiles them. */
  static final class Builder {
    private final String source;
    private final List<String> literals = new ArrayList<>();
    private final List<String> variables = new ArrayList<>();
    private StringBuilder literal = new StringBuilder();

    Builder(String source) {
      this.source = source;
    }

    Builder literal(String text) {
      literal.append(text);
      return this;
    }

    Builder literal(char c) {
      literal.append(c);
      return this;
    }

    /**
     * @param name the variable ({@code status}, {@code http_user_agent}, ...) as known to {@link
     *     AccessLogVariables}
     */
    Builder variable(String name) {
      if (!variables.isEmpty() && literal.length() == 0) {
        throw new IllegalArgumentException(
            "log format '"
                + source
                + "': $"
                + variables.get(variables.size() - 1)
                + " and $"
                + name
                + " follow each other with no text between them, so a line cannot be split"
                + " between them. Put a separator (a space, a quote) between them.");
      }
      literals.add(literal.toString());
      literal = new StringBuilder();
      variables.add(name);
      return this;
    }

    AccessLogFormat build() {
      if (variables.isEmpty()) {
        throw new IllegalArgumentException(
            "log format '"
                + source
                + "' has no variables; give a format such as "
                + LogFormats.NGINX_COMBINED);
      }
      literals.add(literal.toString());
      List<String> fieldNames = new ArrayList<>();
      List<Kind> kinds = new ArrayList<>();
      List<Integer> slots = new ArrayList<>();
      Set<String> taken = new HashSet<>();
      int timeVariable = -1;
      for (int v = 0; v < variables.size(); v++) {
        String variable = variables.get(v);
        Spec spec = AccessLogVariables.spec(variable);
        slots.add(fieldNames.size());
        kinds.add(spec.kind());
        fieldNames.add(unique(spec.field(), variable, taken));
        if (spec.kind() == Kind.REQUEST) {
          fieldNames.add(unique("method", "request_method", taken));
          fieldNames.add(unique("path", "request_path", taken));
          fieldNames.add(unique("protocol", "request_protocol", taken));
        }
        if (timeVariable < 0 && spec.kind().isTime()) {
          timeVariable = v;
        }
      }
      return new AccessLogFormat(
          source, literals, variables, kinds, slots, fieldNames, timeVariable);
    }

    private static String unique(String field, String variable, Set<String> taken) {
      String name = field;
      if (taken.contains(name)) {
        name = AccessLogVariables.camelCase(variable);
      }
      String base = name;
      for (int n = 2; taken.contains(name); n++) {
        name = base + n;
      }
      taken.add(name);
      return name;
    }
  }
}
