package io.tidewatch.rules;

import java.util.HashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Where each part of a section is written, by path ({@code
 * notifications.route.routes[1].receiver}), so that a {@link SectionValidator}'s problems, which
 * name paths, are reported at line:column.
 */
final class SectionPaths {

  /** Where a key and its value are written; the key span is null for list items. */
  private record Place(SourceSpan key, SourceSpan value) {}

  private final Map<String, Place> places = new HashMap<>();
  private final String root;

  private SectionPaths(String root) {
    this.root = root;
  }

  /** Indexes the value of the section {@code key} (its key written at {@code keySpan}). */
  static SectionPaths index(
      String key, SourceSpan keySpan, Node value, FileDiagnostics diagnostics) {
    SectionPaths paths = new SectionPaths(key);
    paths.walk(key, keySpan, value, diagnostics);
    return paths;
  }

  private void walk(String path, SourceSpan keySpan, Node node, FileDiagnostics diagnostics) {
    places.put(path, new Place(keySpan, diagnostics.span(node)));
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          walk(
              path + "." + key.getValue(),
              diagnostics.span(key),
              tuple.getValueNode(),
              diagnostics);
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      for (int i = 0; i < sequence.getValue().size(); i++) {
        walk(path + "[" + i + "]", null, sequence.getValue().get(i), diagnostics);
      }
    }
  }

  /**
   * The span of {@code path}: its key for an unknown key, else its value; for a path that is not
   * written (a missing key), the deepest written part of it.
   */
  SourceSpan locate(String path, boolean unknownKey) {
    String at = path;
    while (!places.containsKey(at) && at.length() > root.length()) {
      int cut = Math.max(at.lastIndexOf('.'), at.lastIndexOf('['));
      if (cut <= 0) {
        break;
      }
      at = at.substring(0, cut);
    }
    Place place = places.getOrDefault(at, places.get(root));
    if (unknownKey && at.equals(path) && place.key() != null) {
      return place.key();
    }
    return place.value();
  }
}
