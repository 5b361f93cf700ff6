package io.tidewatch.ingest.agent;

import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.model.topic.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * Reads {@code agent.yaml}. Every problem is reported, not just the first, each as {@code
 * file:line:col: message}; duplicate keys, anchors/aliases and unknown keys are errors.
 *
 * <pre>{@code
 * interval: 10s                 # default 10s
 * host: web-1                   # default: this machine's host name
 * namespace: host               # namespace of the metrics, default host
 * dimensions: {env: prod}       # added to every metric
 * kafka:                        # or otlp:, exactly one of them
 *   bootstrapServers: 127.0.0.1:9092
 *   topicPrefix: tw.            # default tw.
 * otlp:
 *   endpoint: http://collector:4318     # /v1/metrics and /v1/logs are appended
 *   headers: {Authorization: "Bearer ${OTLP_TOKEN}"}   # ${NAME}: environment variable
 *   timeout: 10s                # default 10s, per request
 *   compression: gzip           # gzip (default) | none
 * spool:
 *   dir: /var/lib/tidewatch/spool
 *   maxBytes: 256MiB            # default 256MiB
 * hostMetrics: true             # default true
 * logs:
 *   - paths: [/var/log/nginx/access.log]
 *     format: nginx             # nginx | apache | alb | vpc-flow | json | raw
 *     logFormat: '<nginx log_format>'    # or fields: '<flow-log custom format>'
 *     logGroup: /nginx/access
 *     startAt: end              # end (default) | beginning: files present at the first start
 * }</pre>
 */
public final class AgentConfigLoader {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  static final long DEFAULT_SPOOL_BYTES = 256L * 1024 * 1024;
  static final Duration DEFAULT_OTLP_TIMEOUT = Duration.ofSeconds(10);

  private static final Set<String> TOP =
      Set.of(
          "interval",
          "host",
          "namespace",
          "dimensions",
          "kafka",
          "otlp",
          "spool",
          "hostMetrics",
          "logs");
  private static final Set<String> KAFKA = Set.of("bootstrapServers", "topicPrefix");
  private static final Set<String> OTLP = Set.of("endpoint", "headers", "timeout", "compression");
  private static final Set<String> SPOOL = Set.of("dir", "maxBytes");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "content-type",
          "content-encoding",
          "content-length",
          "host",
          "connection",
          "expect",
          "upgrade",
          "transfer-encoding");
  private static final Set<String> LOG =
      Set.of("paths", "format", "logFormat", "fields", "logGroup", "startAt");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

  private final String label;
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  private AgentConfigLoader(String label, Map<String, String> env) {
    this.label = label;
    this.env = env;
  }

  /**
   * @throws AgentConfigException listing every problem
   * @throws IOException when the file cannot be read
   */
  public static AgentConfig load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * @param label the file name used in messages
   * @throws AgentConfigException listing every problem
   */
  public static AgentConfig parse(String yaml, String label) {
    return parse(yaml, label, System.getenv());
  }

  /**
   * @param env the environment {@code ${NAME}} in OTLP header values is read from
   */
  static AgentConfig parse(String yaml, String label, Map<String, String> env) {
    return new AgentConfigLoader(label, Map.copyOf(env)).read(yaml);
  }

  private AgentConfig read(String yaml) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(label)
            .setSchema(new FailsafeSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(0)
            .setCodePointLimit(1 << 20)
            .build();
    Optional<Node> root;
    try {
      root = new Compose(settings).composeString(yaml);
    } catch (MarkedYamlEngineException e) {
      String where =
          e.getProblemMark()
              .map(mark -> label + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
              .orElse(label);
      throw new AgentConfigException(List.of(where + ": " + e.getProblem()));
    } catch (YamlEngineException e) {
      throw new AgentConfigException(List.of(label + ": invalid YAML: " + e.getMessage()));
    }
    if (root.isEmpty() || !(root.get() instanceof MappingNode top)) {
      throw new AgentConfigException(
          List.of(
              label
                  + ":1:1: the agent configuration is a mapping with at least 'kafka:' (or"
                  + " 'otlp:') and 'spool:'"));
    }
    Map<String, Node> fields = mapping(top, TOP);
    Duration interval =
        Optional.ofNullable(fields.get("interval")).map(this::duration).orElse(DEFAULT_INTERVAL);
    String host =
        Optional.ofNullable(fields.get("host"))
            .map(this::text)
            .orElseGet(AgentConfigLoader::hostName);
    String namespace = Optional.ofNullable(fields.get("namespace")).map(this::text).orElse("host");
    Map<String, String> dimensions = new LinkedHashMap<>();
    if (fields.containsKey("dimensions")) {
      Node node = fields.get("dimensions");
      if (node instanceof MappingNode map) {
        for (NodeTuple tuple : map.getValue()) {
          dimensions.put(text(tuple.getKeyNode()), text(tuple.getValueNode()));
        }
      } else {
        problem(node, "dimensions: a mapping of name: value");
      }
    }
    AgentConfig.Output output = output(top, fields);
    Path spoolDir = null;
    long spoolBytes = DEFAULT_SPOOL_BYTES;
    if (fields.get("spool") instanceof MappingNode spoolNode) {
      Map<String, Node> spool = mapping(spoolNode, SPOOL);
      spoolDir = Optional.ofNullable(spool.get("dir")).map(this::text).map(Path::of).orElse(null);
      if (spoolDir == null) {
        problem(spoolNode, "spool: dir is required (a directory the agent may write)");
      }
      if (spool.containsKey("maxBytes")) {
        spoolBytes = size(spool.get("maxBytes"));
      }
    } else {
      problem(fields.getOrDefault("spool", top), "spool: a mapping with dir is required");
    }
    boolean hostMetrics =
        Optional.ofNullable(fields.get("hostMetrics")).map(this::bool).orElse(true);
    List<AgentConfig.LogFiles> logs = new ArrayList<>();
    if (fields.containsKey("logs")) {
      if (fields.get("logs") instanceof SequenceNode list) {
        for (Node item : list.getValue()) {
          logFiles(item).ifPresent(logs::add);
        }
      } else {
        problem(fields.get("logs"), "logs: a list of {paths, format, logGroup}");
      }
    }
    if (!problems.isEmpty()) {
      throw new AgentConfigException(problems);
    }
    return new AgentConfig(
        interval, host, namespace, dimensions, output, spoolDir, spoolBytes, hostMetrics, logs);
  }

  /** {@code kafka:} or {@code otlp:}, exactly one; {@code null} after a problem. */
  private AgentConfig.Output output(MappingNode top, Map<String, Node> fields) {
    Node kafka = fields.get("kafka");
    Node otlp = fields.get("otlp");
    if (kafka != null && otlp != null) {
      problem(
          otlp,
          "otlp: give either kafka: (records straight to the topics) or otlp: (an OTLP/HTTP"
              + " endpoint), not both");
      return null;
    }
    if (otlp != null) {
      return otlp(otlp);
    }
    if (kafka instanceof MappingNode kafkaNode) {
      return kafka(kafkaNode);
    }
    problem(
        kafka != null ? kafka : top,
        "kafka: a mapping with bootstrapServers is required (or otlp: with an endpoint)");
    return null;
  }

  private AgentConfig.Kafka kafka(MappingNode kafkaNode) {
    Map<String, Node> kafka = mapping(kafkaNode, KAFKA);
    String bootstrap =
        Optional.ofNullable(kafka.get("bootstrapServers")).map(this::text).orElse(null);
    if (bootstrap == null) {
      problem(kafkaNode, "kafka: bootstrapServers is required (HOST:PORT[,HOST:PORT])");
    }
    String prefix = Topics.DEFAULT_PREFIX;
    if (kafka.containsKey("topicPrefix")) {
      prefix = text(kafka.get("topicPrefix"));
      try {
        new Topics(prefix);
      } catch (IllegalArgumentException e) {
        problem(kafka.get("topicPrefix"), e.getMessage());
        return null;
      }
    }
    return bootstrap == null ? null : new AgentConfig.Kafka(bootstrap, prefix);
  }

  private AgentConfig.Otlp otlp(Node node) {
    if (!(node instanceof MappingNode otlpNode)) {
      problem(node, "otlp: a mapping with endpoint, e.g. {endpoint: \"http://collector:4318\"}");
      return null;
    }
    Map<String, Node> otlp = mapping(otlpNode, OTLP);
    URI endpoint = null;
    if (otlp.containsKey("endpoint")) {
      endpoint = endpoint(otlp.get("endpoint"));
    } else {
      problem(otlpNode, "otlp: endpoint is required, e.g. http://collector:4318");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (otlp.get("headers") instanceof MappingNode headersNode) {
      for (NodeTuple tuple : headersNode.getValue()) {
        header(tuple.getKeyNode(), tuple.getValueNode())
            .ifPresent(header -> headers.put(header.getKey(), header.getValue()));
      }
    } else if (otlp.containsKey("headers")) {
      problem(otlp.get("headers"), "otlp: headers is a mapping of name: value");
    }
    Duration timeout =
        Optional.ofNullable(otlp.get("timeout")).map(this::duration).orElse(DEFAULT_OTLP_TIMEOUT);
    boolean gzip = true;
    if (otlp.containsKey("compression")) {
      String value = text(otlp.get("compression")).strip().toLowerCase(Locale.ROOT);
      switch (value) {
        case "gzip" -> gzip = true;
        case "none" -> gzip = false;
        default ->
            problem(
                otlp.get("compression"),
                "otlp: compression is gzip (the default) or none, found '" + value + "'");
      }
    }
    return endpoint == null ? null : new AgentConfig.Otlp(endpoint, headers, timeout, gzip);
  }

  private URI endpoint(Node node) {
    String value = text(node).strip();
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      problem(node, "otlp: endpoint is not a URL (" + e.getReason() + "), found '" + value + "'");
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      problem(
          node,
          "otlp: endpoint is http(s)://HOST:PORT[/base path], without query or user info;"
              + " /v1/metrics and /v1/logs are appended. Found '"
              + (uri.getRawUserInfo() != null ? "<with user info>" : value)
              + "'");
      return null;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  /**
   * A header, its value with {@code ${NAME}} replaced by the environment variable; the value is
   * never part of a message.
   */
  private Optional<Map.Entry<String, String>> header(Node keyNode, Node valueNode) {
    String name = text(keyNode).strip();
    if (!HEADER_NAME.matcher(name).matches()) {
      problem(keyNode, "otlp: headers: '" + name + "' is not a valid HTTP header name");
      return Optional.empty();
    }
    if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      problem(
          keyNode,
          "otlp: headers: '"
              + name
              + "' is set by the agent itself; use headers for authentication and routing");
      return Optional.empty();
    }
    String raw = text(valueNode);
    Matcher reference = ENV_REFERENCE.matcher(raw);
    StringBuilder value = new StringBuilder();
    boolean ok = true;
    while (reference.find()) {
      String variable = reference.group(1);
      String resolved = env.get(variable);
      if (resolved == null) {
        problem(
            valueNode, "otlp: headers: " + name + " uses ${" + variable + "}, which is not set");
        ok = false;
        resolved = "";
      }
      reference.appendReplacement(value, Matcher.quoteReplacement(resolved));
    }
    reference.appendTail(value);
    if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
      problem(valueNode, "otlp: headers: the value of " + name + " has control characters");
      ok = false;
    }
    return ok ? Optional.of(Map.entry(name, value.toString())) : Optional.empty();
  }

  private Optional<AgentConfig.LogFiles> logFiles(Node item) {
    if (!(item instanceof MappingNode node)) {
      problem(item, "logs: each entry is a mapping {paths, format, logGroup}");
      return Optional.empty();
    }
    Map<String, Node> fields = mapping(node, LOG);
    List<String> paths = new ArrayList<>();
    Node pathsNode = fields.get("paths");
    if (pathsNode instanceof SequenceNode list) {
      list.getValue().forEach(path -> paths.add(text(path)));
    } else if (pathsNode instanceof ScalarNode) {
      paths.add(text(pathsNode));
    }
    if (paths.isEmpty()) {
      problem(node, "logs: paths is required (a file, a glob, or a list of them)");
    }
    String format = Optional.ofNullable(fields.get("format")).map(this::text).orElse(null);
    String group = Optional.ofNullable(fields.get("logGroup")).map(this::text).orElse(null);
    if (format == null) {
      problem(
          node, "logs: format is required (one of " + String.join(", ", LogFormats.NAMES) + ")");
    }
    if (group == null || group.isBlank()) {
      problem(node, "logs: logGroup is required, e.g. /nginx/access");
    }
    if (fields.containsKey("logFormat") && fields.containsKey("fields")) {
      problem(fields.get("fields"), "logs: give logFormat (nginx, apache) or fields (vpc-flow)");
    }
    Node layoutNode =
        fields.containsKey("logFormat") ? fields.get("logFormat") : fields.get("fields");
    Optional<String> layout = Optional.ofNullable(layoutNode).map(this::text);
    if (format != null) {
      try {
        LogFormats.parser(format, layout);
      } catch (IllegalArgumentException e) {
        problem(layoutNode != null ? layoutNode : fields.get("format"), e.getMessage());
      }
    }
    AgentConfig.StartAt startAt = AgentConfig.StartAt.END;
    if (fields.containsKey("startAt")) {
      String value = text(fields.get("startAt")).strip().toLowerCase(Locale.ROOT);
      switch (value) {
        case "end" -> startAt = AgentConfig.StartAt.END;
        case "beginning" -> startAt = AgentConfig.StartAt.BEGINNING;
        default ->
            problem(
                fields.get("startAt"),
                "logs: startAt is end (the default) or beginning, found '" + value + "'");
      }
    }
    if (format == null || group == null || paths.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new AgentConfig.LogFiles(
            paths, format.strip().toLowerCase(Locale.ROOT), layout, group, startAt));
  }

  private Map<String, Node> mapping(MappingNode node, Set<String> known) {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      String key = text(tuple.getKeyNode());
      if (fields.containsKey(key)) {
        problem(tuple.getKeyNode(), "duplicate key '" + key + "'");
      } else if (!known.contains(key)) {
        problem(
            tuple.getKeyNode(),
            "unknown key '"
                + key
                + "'; known here: "
                + String.join(", ", known.stream().sorted().toList()));
      } else {
        fields.put(key, tuple.getValueNode());
      }
    }
    return fields;
  }

  private String text(Node node) {
    if (node instanceof ScalarNode scalar) {
      return scalar.getValue();
    }
    problem(node, "expected a single value here");
    return "";
  }

  private boolean bool(Node node) {
    String value = text(node).toLowerCase(Locale.ROOT);
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    problem(node, "expected true or false, found '" + value + "'");
    return true;
  }

  private Duration duration(Node node) {
    String value = text(node).strip();
    Matcher matcher = DURATION.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      Duration duration =
          switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
      if (duration.compareTo(Duration.ofMillis(100)) >= 0) {
        return duration;
      }
    }
    problem(node, "expected a duration of at least 100ms such as 10s or 1m, found '" + value + "'");
    return DEFAULT_INTERVAL;
  }

  private long size(Node node) {
    String value = text(node).strip();
    Matcher matcher = SIZE.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT);
      long bytes =
          switch (unit) {
            case "KB" -> amount * 1000;
            case "KIB" -> amount * 1024;
            case "MB" -> amount * 1000_000;
            case "MIB" -> amount * 1024 * 1024;
            case "GB" -> amount * 1000_000_000;
            case "GIB" -> amount * 1024 * 1024 * 1024;
            default -> amount;
          };
      if (bytes >= Spool.MIN_BYTES) {
        return bytes;
      }
    }
    problem(node, "expected a size of at least 64KiB such as 256MiB, found '" + value + "'");
    return DEFAULT_SPOOL_BYTES;
  }

  private void problem(Node node, String message) {
    String where =
        node.getStartMark()
            .map(mark -> label + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
            .orElse(label);
    problems.add(where + ": " + message);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
