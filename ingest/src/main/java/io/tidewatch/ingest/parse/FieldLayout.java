package io.tidewatch.ingest.parse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The field names of a compiled format, in order, shared by every line the format parses. */
final class FieldLayout {

  private final String[] names;
  private final Map<String, Integer> index;

  FieldLayout(List<String> names) {
    this.names = names.toArray(new String[0]);
    this.index = new HashMap<>(names.size() * 2);
    for (int i = 0; i < this.names.length; i++) {
      if (index.putIfAbsent(this.names[i], i) != null) {
        throw new IllegalStateException("duplicate field name " + this.names[i]);
      }
    }
  }

  int size() {
    return names.length;
  }

  String name(int i) {
    return names[i];
  }

  int indexOf(Object name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }
}
