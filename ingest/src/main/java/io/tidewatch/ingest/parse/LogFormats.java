package io.tidewatch.ingest.parse;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** The log formats Tidewatch parses, by name. */
public final class LogFormats {

  /** nginx access logs; the option is a {@code log_format} string ({@code combined} by default). */
  public static final String NGINX = "nginx";

  /**
   * Apache access logs; the option is {@code common}, {@code combined}, or a {@code LogFormat}
   * string; without it each line is read as combined or common by its shape.
   */
  public static final String APACHE = "apache";

  /** AWS Application Load Balancer access logs; no option. */
  public static final String ALB = "alb";

  /** Amazon VPC flow logs; the option is a custom format ({@code ${version} ${vpc-id} ...}). */
  public static final String VPC_FLOW = "vpc-flow";

  /** JSON lines; no option. */
  public static final String JSON = "json";

  /** No parsing: the line is the message; no option. */
  public static final String RAW = "raw";

  /** Every format name. */
  public static final List<String> NAMES = List.of(NGINX, APACHE, ALB, VPC_FLOW, JSON, RAW);

  /** nginx's predefined {@code combined} format. */
  public static final String NGINX_COMBINED =
      "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\"";

  /** Apache's {@code common} format. */
  public static final String APACHE_COMMON = ApacheFormat.COMMON;

  /** Apache's {@code combined} format. */
  public static final String APACHE_COMBINED = ApacheFormat.COMBINED;

  /** The default (version 2) VPC flow log format. */
  public static final String VPC_FLOW_DEFAULT = FlowLogParser.DEFAULT_FORMAT;

  private LogFormats() {}

  /**
   * A parser for {@code format} with lines of up to {@link LineDecoder#DEFAULT_MAX_LINE_BYTES}.
   *
   * @param format one of {@link #NAMES}
   * @param logFormatOrFields the format's layout where it has one (nginx {@code log_format}, Apache
   *     {@code LogFormat} or {@code common}/{@code combined}, VPC flow log custom format); empty
   *     for the default
   * @throws IllegalArgumentException when the format is unknown or its layout does not compile,
   *     with a message that says how to fix it
   */
  public static LogParser parser(String format, Optional<String> logFormatOrFields) {
    return parser(format, logFormatOrFields, LineDecoder.DEFAULT_MAX_LINE_BYTES);
  }

  /** Like {@link #parser(String, Optional)}, with lines of up to {@code maxLineBytes}. */
  public static LogParser parser(
      String format, Optional<String> logFormatOrFields, int maxLineBytes) {
    Objects.requireNonNull(logFormatOrFields, "logFormatOrFields (use Optional.empty())");
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException(
          "maxLineBytes: a positive number of bytes (default "
              + LineDecoder.DEFAULT_MAX_LINE_BYTES
              + "). Found: "
              + maxLineBytes);
    }
    String name = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
    Optional<String> layout = logFormatOrFields.filter(text -> !text.isBlank());
    switch (name) {
      case NGINX:
        return new AccessLogParser(
            NginxFormat.compile(layout.orElse(NGINX_COMBINED)), maxLineBytes);
      case APACHE:
        if (layout.isEmpty()) {
          return new AccessLogParser(
              ApacheFormat.compile(APACHE_COMMON),
              ApacheFormat.compile(APACHE_COMBINED),
              maxLineBytes);
        }
        return new AccessLogParser(ApacheFormat.compile(layout.get()), maxLineBytes);
      case VPC_FLOW:
        return new FlowLogParser(layout.orElse(VPC_FLOW_DEFAULT), maxLineBytes);
      case ALB:
        noLayout(name, layout);
        return new AlbParser(maxLineBytes);
      case JSON:
        noLayout(name, layout);
        return new JsonLinesParser(maxLineBytes);
      case RAW:
        noLayout(name, layout);
        return new RawParser(maxLineBytes);
      default:
        throw new IllegalArgumentException(
            "unknown log format '"
                + format
                + "'"
                + suggestion(name)
                + ". Use one of: "
                + String.join(", ", NAMES));
    }
  }

  private static void noLayout(String name, Optional<String> layout) {
    if (layout.isPresent()) {
      throw new IllegalArgumentException(
          "log format '"
              + name
              + "' has a fixed layout and takes no format string; remove '"
              + layout.get()
              + "'");
    }
  }

  private static String suggestion(String name) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : NAMES) {
      int distance = distance(name, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
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
