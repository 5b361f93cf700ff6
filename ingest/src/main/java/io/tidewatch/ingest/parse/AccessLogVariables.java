package io.tidewatch.ingest.parse;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What each nginx variable (and the Apache directives mapped onto them) becomes: a field name as
 * CloudWatch Logs Insights users know it, and a type.
 */
final class AccessLogVariables {

  /** How a variable's text becomes field values. */
  enum Kind {
    STRING,
    LONG,
    DOUBLE,
    /** {@code 10/Oct/2000:13:55:36 -0700}: kept as text, and the event time. */
    TIME_LOCAL,
    /** ISO 8601 with a zone: kept as text, and the event time. */
    TIME_ISO,
    /** Epoch seconds with milliseconds: a Double, and the event time. */
    TIME_MSEC,
    /** The request line: {@code request} plus {@code method}, {@code path}, {@code protocol}. */
    REQUEST,
    /** nginx's per-upstream list ({@code 0.010, 0.020 : 0.003}) of seconds: their sum. */
    SECONDS_LIST,
    /** nginx's per-upstream list of byte counts: their sum. */
    LONG_LIST,
    /** nginx's per-upstream list of statuses: the last one (what the client got from upstream). */
    LAST_LONG_LIST,
    /** nginx's per-upstream list of addresses: kept as text. */
    STRING_LIST;

    boolean isList() {
      return this == SECONDS_LIST
          || this == LONG_LIST
          || this == LAST_LONG_LIST
          || this == STRING_LIST;
    }

    boolean isTime() {
      return this == TIME_LOCAL || this == TIME_ISO || this == TIME_MSEC;
    }
  }

  /** A variable's field name and kind. */
  record Spec(String field, Kind kind) {}

  private static final Map<String, Spec> KNOWN = new HashMap<>();

  static {
    known("remote_addr", "remoteIP", Kind.STRING);
    known("remote_user", "remoteUser", Kind.STRING);
    known("remote_port", "remotePort", Kind.LONG);
    known("time_local", "timeLocal", Kind.TIME_LOCAL);
    known("time_iso8601", "timeIso8601", Kind.TIME_ISO);
    known("msec", "msec", Kind.TIME_MSEC);
    known("request", "request", Kind.REQUEST);
    known("status", "status", Kind.LONG);
    known("body_bytes_sent", "bytes", Kind.LONG);
    known("bytes_sent", "bytesSent", Kind.LONG);
    known("request_length", "requestLength", Kind.LONG);
    known("http_referer", "referrer", Kind.STRING);
    known("http_user_agent", "userAgent", Kind.STRING);
    known("http_x_forwarded_for", "xForwardedFor", Kind.STRING);
    known("request_time", "requestTime", Kind.DOUBLE);
    known("upstream_response_time", "upstreamResponseTime", Kind.SECONDS_LIST);
    known("upstream_connect_time", "upstreamConnectTime", Kind.SECONDS_LIST);
    known("upstream_header_time", "upstreamHeaderTime", Kind.SECONDS_LIST);
    known("upstream_queue_time", "upstreamQueueTime", Kind.SECONDS_LIST);
    known("upstream_response_length", "upstreamResponseLength", Kind.LONG_LIST);
    known("upstream_bytes_received", "upstreamBytesReceived", Kind.LONG_LIST);
    known("upstream_bytes_sent", "upstreamBytesSent", Kind.LONG_LIST);
    known("upstream_status", "upstreamStatus", Kind.LAST_LONG_LIST);
    known("upstream_addr", "upstreamAddr", Kind.STRING_LIST);
    known("upstream_cache_status", "upstreamCacheStatus", Kind.STRING);
    known("connection", "connection", Kind.LONG);
    known("connection_requests", "connectionRequests", Kind.LONG);
    known("content_length", "contentLength", Kind.LONG);
    known("server_port", "serverPort", Kind.LONG);
    known("gzip_ratio", "gzipRatio", Kind.DOUBLE);
    known("request_method", "method", Kind.STRING);
    known("server_protocol", "protocol", Kind.STRING);
    // Apache directives with no nginx twin (see ApacheFormat).
    known("apache_ident", "ident", Kind.STRING);
    known("apache_request_time_us", "requestTimeMicros", Kind.LONG);
    known("apache_request_time_ms", "requestTimeMillis", Kind.LONG);
    known("apache_request_time_s", "requestTimeSeconds", Kind.LONG);
    known("apache_keepalive_requests", "keepaliveRequests", Kind.LONG);
    known("apache_pid", "pid", Kind.LONG);
    known("apache_connection_status", "connectionStatus", Kind.STRING);
  }

  private AccessLogVariables() {}

  private static void known(String variable, String field, Kind kind) {
    KNOWN.put(variable, new Spec(field, kind));
  }

  /** The spec of a variable: a known one, else a string field named by {@link #camelCase}. */
  static Spec spec(String variable) {
    Spec known = KNOWN.get(variable);
    if (known != null) {
      return known;
    }
    if (variable.startsWith("http_") && variable.length() > 5) {
      return new Spec(camelCase(variable.substring(5)), Kind.STRING); // a request header
    }
    return new Spec(camelCase(variable), Kind.STRING);
  }

  /** {@code sent_http_content_type} → {@code sentHttpContentType}. */
  static String camelCase(String name) {
    StringBuilder out = new StringBuilder(name.length());
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_' || c == '-') {
        upper = out.length() > 0;
      } else {
        out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
        upper = false;
      }
    }
    return out.length() == 0 ? name.toLowerCase(Locale.ROOT) : out.toString();
  }
}
