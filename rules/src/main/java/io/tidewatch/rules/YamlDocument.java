package io.tidewatch.rules;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.DuplicateKeyException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads one rule file into a SnakeYAML node tree (the compose API keeps every node's position) and
 * checks what holds for the whole tree before the schema is applied: no forbidden tags, no
 * duplicate keys, no recursive or exploding aliases, no absurd nesting.
 *
 * <p>The compose API does not reject duplicate keys (the constructor does, and we do not
 * construct), so they are found here; that also lets every duplicate be reported, not the first.
 *
 * <p><b>Internal</b>: public only so that the parsers of the {@code io.tidewatch.rules}
 * sub-packages (rule tests) share it with the rule-file parser; not an API, it may change in any
 * release.
 */
public final class YamlDocument {

  /** Rule files are small; anything near this size is a mistake or an attack. */
  static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

  /** Collection aliases per file; the YAML spec's billion laughs needs about a hundred. */
  static final int MAX_ALIASES = 50;

  /**
   * Nodes that aliases may add beyond the written ones. Fifty aliases are enough for a three-fold
   * tree sixteen levels deep, about 43 million nodes, so the alias count alone does not stop an
   * expansion bomb.
   */
  static final long MAX_ALIAS_EXPANSION = 100_000;

  /** Rule files nest about six levels deep. */
  static final int MAX_DEPTH = 100;

  private static final Set<Tag> STANDARD_TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);

  private final FileDiagnostics diagnostics;
  private final Map<Node, Long> expandedSizes = new IdentityHashMap<>();
  private final Set<Node> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean unsafe;
  private boolean sharedNodes;

  private YamlDocument(FileDiagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /**
   * @return the document's root node when the file is well-formed YAML and safe to walk; empty
   *     after reporting why not (including an empty file)
   */
  public static Optional<Node> read(String text, FileDiagnostics diagnostics) {
    return new YamlDocument(diagnostics).read(text);
  }

  private Optional<Node> read(String text) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(diagnostics.file())
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setCodePointLimit(MAX_CODE_POINTS)
            .build();
    Optional<Node> root;
    try {
      root = new Compose(settings).composeString(text);
    } catch (DuplicateKeyException e) {
      diagnostics.report(DiagnosticCode.DUPLICATE_KEY, position(e), e.getProblem());
      return Optional.empty();
    } catch (MarkedYamlEngineException e) {
      diagnostics.report(DiagnosticCode.YAML_SYNTAX, position(e), syntaxMessage(e));
      return Optional.empty();
    } catch (YamlEngineException e) {
      boolean limit = String.valueOf(e.getMessage()).matches("(?s).*(aliases|exceeds the limit).*");
      diagnostics.report(
          limit ? DiagnosticCode.TOO_LARGE : DiagnosticCode.YAML_SYNTAX,
          SourceSpan.file(diagnostics.file()),
          limit
              ? "too many aliases (more than "
                  + MAX_ALIASES
                  + " anchors reused as lists or mappings); rule files are refused when their"
                  + " aliases could expand without bound"
              : "invalid YAML: " + e.getMessage());
      return Optional.empty();
    } catch (StackOverflowError e) {
      tooDeep(SourceSpan.file(diagnostics.file()));
      return Optional.empty();
    }
    if (root.isEmpty() || isNull(root.get())) {
      diagnostics.report(
          DiagnosticCode.EMPTY_FILE,
          root.map(diagnostics::span).orElse(SourceSpan.file(diagnostics.file())),
          "the file is empty; a rule file is a mapping of sections such as 'alarms:' and"
              + " 'actions:'");
      return Optional.empty();
    }
    // Without an anchor no node is shared, so the tree is no bigger than the text: only depth,
    // tags and keys need checking, without the bookkeeping that alias expansion needs.
    sharedNodes = text.indexOf('&') >= 0;
    long expanded = walk(root.get(), 0);
    if (unsafe) {
      return Optional.empty();
    }
    if (sharedNodes && expanded - expandedSizes.size() > MAX_ALIAS_EXPANSION) {
      diagnostics.report(
          DiagnosticCode.TOO_LARGE,
          SourceSpan.file(diagnostics.file()),
          "aliases expand this file to "
              + (expanded >= Long.MAX_VALUE / 4 ? "billions of" : String.valueOf(expanded))
              + " nodes (written: "
              + expandedSizes.size()
              + "); rule files are refused when aliases add more than "
              + MAX_ALIAS_EXPANSION
              + " nodes");
      return Optional.empty();
    }
    return root;
  }

  /** Checks a node and its children once each; returns its size with aliases expanded. */
  private long walk(Node node, int depth) {
    if (!sharedNodes) {
      return walkTree(node, depth);
    }
    if (onPath.contains(node)) {
      unsafe = true;
      diagnostics.report(
          DiagnosticCode.TOO_LARGE,
          node,
          "this anchor is used inside itself; recursive structures are not allowed in rule files");
      return 1;
    }
    Long known = expandedSizes.get(node);
    if (known != null) {
      return known;
    }
    if (depth > MAX_DEPTH) {
      unsafe = true;
      tooDeep(diagnostics.span(node));
      return 1;
    }
    checkTag(node);
    onPath.add(node);
    long size = 1;
    if (node instanceof MappingNode mapping) {
      checkKeys(mapping);
      for (NodeTuple tuple : mapping.getValue()) {
        size = saturatedAdd(size, walk(tuple.getKeyNode(), depth + 1));
        size = saturatedAdd(size, walk(tuple.getValueNode(), depth + 1));
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        size = saturatedAdd(size, walk(item, depth + 1));
      }
    }
    onPath.remove(node);
    expandedSizes.put(node, size);
    return size;
  }

  /** {@link #walk} for a document without anchors, where every node is visited once anyway. */
  private long walkTree(Node node, int depth) {
    if (depth > MAX_DEPTH) {
      unsafe = true;
      tooDeep(diagnostics.span(node));
      return 1;
    }
    checkTag(node);
    long size = 1;
    if (node instanceof MappingNode mapping) {
      checkKeys(mapping);
      for (NodeTuple tuple : mapping.getValue()) {
        size += walkTree(tuple.getKeyNode(), depth + 1);
        size += walkTree(tuple.getValueNode(), depth + 1);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        size += walkTree(item, depth + 1);
      }
    }
    return size;
  }

  /** A scalar over the length limit, or a tag outside the standard ones: reported and silenced. */
  private void checkTag(Node node) {
    if (node instanceof ScalarNode scalar
        && scalar.getValue().length() > RuleLimits.MAX_STRING_LENGTH) {
      diagnostics.report(
          DiagnosticCode.TOO_LONG,
          node,
          "this value is too long: "
              + scalar.getValue().length()
              + " characters, at most "
              + RuleLimits.MAX_STRING_LENGTH
              + " are allowed in a rule file");
      diagnostics.silence(node);
      return;
    }
    if (!STANDARD_TAGS.contains(node.getTag())) {
      diagnostics.report(
          DiagnosticCode.UNSUPPORTED_TAG,
          node,
          "tag '"
              + shortTag(node.getTag())
              + "' is not allowed; rule files hold plain strings, numbers, booleans, lists and"
              + " mappings");
      diagnostics.silence(node);
    }
  }

  private void checkKeys(MappingNode mapping) {
    Map<String, Node> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar) || isNull(key)) {
        diagnostics.report(
            DiagnosticCode.WRONG_TYPE, key, "a key must be a plain name, found " + describe(key));
        diagnostics.silence(key);
        continue;
      }
      Node first = seen.putIfAbsent(scalar.getValue(), key);
      if (first != null) {
        diagnostics.report(
            DiagnosticCode.DUPLICATE_KEY,
            key,
            "duplicate key '"
                + scalar.getValue()
                + "' (first at line "
                + diagnostics.span(first).line()
                + "); YAML keeps only one of them");
      }
    }
  }

  private void tooDeep(SourceSpan span) {
    diagnostics.report(
        DiagnosticCode.TOO_LARGE,
        span,
        "the document is nested more than " + MAX_DEPTH + " levels deep; rule files are refused");
  }

  private SourceSpan position(MarkedYamlEngineException e) {
    Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
    return mark.map(diagnostics::at).orElse(SourceSpan.file(diagnostics.file()));
  }

  private static String syntaxMessage(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem().replace("\t", "\\t");
    String context = e.getContext();
    if (context == null || context.isBlank()) {
      return "invalid YAML: " + problem;
    }
    String where =
        e.getContextMark().map(mark -> " started at line " + (mark.getLine() + 1)).orElse("");
    return "invalid YAML: " + problem + " (" + context + where + ")";
  }

  public static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** What a node is, for "found ..." in messages: {@code string 'high'}, {@code a list}. */
  public static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode scalar = (ScalarNode) node;
    String value = scalar.getValue();
    if (value.codePointCount(0, value.length()) > 40) {
      value = value.substring(0, value.offsetByCodePoints(0, 40)) + "...";
    }
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return "nothing (null)";
    } else if (Tag.STR.equals(tag)) {
      return "string '" + value + "'";
    } else if (Tag.INT.equals(tag)) {
      return "integer " + value;
    } else if (Tag.FLOAT.equals(tag)) {
      return "number " + value;
    } else if (Tag.BOOL.equals(tag)) {
      return "boolean " + value;
    }
    return "'" + value + "' tagged " + shortTag(tag);
  }

  private static String shortTag(Tag tag) {
    String value = tag.getValue();
    return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 || sum > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : sum;
  }
}
