package io.tidewatch.ingest.agent;

import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.model.topic.Topics;
import java.io.IOException;
import java.net.InetAddress;
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
 * kafka:
 *   bootstrapServers: 127.0.0.1:9092
 *   topicPrefix: tw.            # default tw.
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
  private static final Set<String> SPOOL = Set.of("dir", "maxBytes");
  private static final Set<String> LOG =
      Set.of("paths", "format", "logFormat", "fields", "logGroup", "startAt");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

  private final String label;
  private final List<String> problems = new ArrayList<>();

  private AgentConfigLoader(String label) {
    this.label = label;
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
    return new AgentConfigLoader(label).read(yaml);
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
                  + ":1:1: the agent configuration is a mapping with at least 'kafka:' and"
                  + " 'spool:'"));
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
    if (fields.containsKey("otlp")) {
      problem(
          fields.get("otlp"),
          "otlp: shipping to an OTLP endpoint is not implemented yet; use kafka:"
              + " bootstrapServers");
    }
    String bootstrap = null;
    String prefix = Topics.DEFAULT_PREFIX;
    if (fields.get("kafka") instanceof MappingNode kafkaNode) {
      Map<String, Node> kafka = mapping(kafkaNode, KAFKA);
      bootstrap = Optional.ofNullable(kafka.get("bootstrapServers")).map(this::text).orElse(null);
      if (bootstrap == null) {
        problem(kafkaNode, "kafka: bootstrapServers is required (HOST:PORT[,HOST:PORT])");
      }
      if (kafka.containsKey("topicPrefix")) {
        prefix = text(kafka.get("topicPrefix"));
        try {
          new Topics(prefix);
        } catch (IllegalArgumentException e) {
          problem(kafka.get("topicPrefix"), e.getMessage());
        }
      }
    } else {
      problem(
          fields.getOrDefault("kafka", top), "kafka: a mapping with bootstrapServers is required");
    }
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
        interval,
        host,
        namespace,
        dimensions,
        bootstrap,
        prefix,
        spoolDir,
        spoolBytes,
        hostMetrics,
        logs);
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
