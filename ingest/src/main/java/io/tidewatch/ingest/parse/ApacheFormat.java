package io.tidewatch.ingest.parse;

import java.util.Locale;

/**
 * Compiles an Apache {@code LogFormat} string ({@code %h %l %u %t \"%r\" %>s %b}) onto the same
 * literal/variable machinery as nginx: each directive maps to the nginx variable that logs the same
 * thing, so both servers give the same field names. Also accepts the directive as pasted from
 * {@code httpd.conf}: {@code LogFormat "..." nickname}.
 */
final class ApacheFormat {

  static final String COMMON = "%h %l %u %t \"%r\" %>s %b";
  static final String COMBINED = COMMON + " \"%{Referer}i\" \"%{User-agent}i\"";

  private static final String SUPPORTED =
      "%h %a %l %u %t %r %s %>s %b %B %O %I %D %T %{ms}T %{us}T %v %V %p %U %q %m %H %k %P %X"
          + " %{Header}i %{Header}o %{Name}C %%";

  private ApacheFormat() {}

  static AccessLogFormat compile(String format) {
    String text = unwrap(format.strip());
    if (text.equals("common")) {
      text = COMMON;
    } else if (text.equals("combined")) {
      text = COMBINED;
    }
    AccessLogFormat.Builder builder = new AccessLogFormat.Builder(text);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '%') {
        builder.literal(c);
        i++;
        continue;
      }
      int start = i;
      i++;
      while (i < text.length() && isModifier(text.charAt(i))) {
        i++; // %>s, %<s, %!200,304{Referer}i: conditions and original/final do not change parsing
      }
      String argument = null;
      if (i < text.length() && text.charAt(i) == '{') {
        int close = text.indexOf('}', i + 1);
        if (close < 0) {
          throw unsupported(text, start, "an unclosed '{'");
        }
        argument = text.substring(i + 1, close);
        i = close + 1;
      }
      if (i >= text.length()) {
        throw unsupported(text, start, "a '%' with no directive letter");
      }
      char directive = text.charAt(i);
      i++;
      if (directive == '%') {
        builder.literal('%');
      } else if (directive == 't' && argument == null) {
        builder.literal('[').variable("time_local").literal(']');
      } else {
        builder.variable(variable(text, start, directive, argument));
      }
    }
    return builder.build();
  }

  private static String variable(String text, int at, char directive, String argument) {
    if (argument != null) {
      String name = argument.toLowerCase(Locale.ROOT).replace('-', '_');
      switch (directive) {
        case 'i':
          return "http_" + name;
        case 'o':
          return "sent_http_" + name;
        case 'C':
          return "cookie_" + name;
        case 'T':
          if (name.equals("ms")) {
            return "apache_request_time_ms";
          } else if (name.equals("us")) {
            return "apache_request_time_us";
          } else if (name.equals("s")) {
            return "apache_request_time_s";
          }
          throw unsupported(text, at, "%{" + argument + "}T");
        default:
          throw unsupported(text, at, "%{" + argument + "}" + directive);
      }
    }
    switch (directive) {
      case 'h':
      case 'a':
        return "remote_addr";
      case 'l':
        return "apache_ident";
      case 'u':
        return "remote_user";
      case 'r':
        return "request";
      case 's':
        return "status";
      case 'b':
      case 'B':
        return "body_bytes_sent";
      case 'O':
        return "bytes_sent";
      case 'I':
        return "request_length";
      case 'D':
        return "apache_request_time_us";
      case 'T':
        return "apache_request_time_s";
      case 'v':
      case 'V':
        return "server_name";
      case 'p':
        return "server_port";
      case 'U':
        return "uri";
      case 'q':
        return "args";
      case 'm':
        return "request_method";
      case 'H':
        return "server_protocol";
      case 'k':
        return "apache_keepalive_requests";
      case 'P':
        return "apache_pid";
      case 'X':
        return "apache_connection_status";
      default:
        throw unsupported(text, at, "%" + directive);
    }
  }

  private static boolean isModifier(char c) {
    return c == '>' || c == '<' || c == '!' || c == ',' || (c >= '0' && c <= '9');
  }

  /** Strips a pasted {@code LogFormat "..." nickname} down to the format, unescaping {@code \"}. */
  private static String unwrap(String text) {
    if (!text.startsWith("LogFormat ") && !text.startsWith("LogFormat\t")) {
      return text;
    }
    String rest = text.substring("LogFormat".length()).strip();
    if (!rest.startsWith("\"")) {
      throw new IllegalArgumentException(
          "LogFormat directive: the format must be a double-quoted string, as in LogFormat \""
              + COMMON.replace("\"", "\\\"")
              + "\" common");
    }
    StringBuilder out = new StringBuilder(rest.length());
    for (int i = 1; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '\\' && i + 1 < rest.length()) {
        out.append(rest.charAt(++i));
      } else if (c == '"') {
        return out.toString();
      } else {
        out.append(c);
      }
    }
    throw new IllegalArgumentException("LogFormat directive: the format's closing '\"' is missing");
  }

  private static IllegalArgumentException unsupported(String text, int at, String what) {
    return new IllegalArgumentException(
        "Apache log format '"
            + text
            + "': "
            + what
            + " at column "
            + (at + 1)
            + " is not supported. Supported directives: "
            + SUPPORTED);
  }
}
