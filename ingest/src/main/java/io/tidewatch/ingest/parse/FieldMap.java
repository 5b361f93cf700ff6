package io.tidewatch.ingest.parse;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The immutable field map of a {@link Parsed}: either an array of values over a layout shared by
 * every line of a format (two allocations per line instead of one node per field), or an owned map
 * nobody else holds.
 */
final class FieldMap extends AbstractMap<String, Object> {

  private static final FieldMap EMPTY = new FieldMap(null, null, 0, Map.of());

  private final FieldLayout layout;
  private final Object[] values;
  private final int size;
  private final Map<String, Object> owned;

  private FieldMap(FieldLayout layout, Object[] values, int size, Map<String, Object> owned) {
    this.layout = layout;
    this.values = values;
    this.size = size;
    this.owned = owned;
  }

  /** The first {@code size} fields of {@code layout}; {@code values} must not be kept by anyone. */
  static FieldMap of(FieldLayout layout, Object[] values, int size) {
    return new FieldMap(layout, values, size, null);
  }

  /** A map the caller built for this purpose and never touches again (values already checked). */
  static FieldMap own(LinkedHashMap<String, Object> fields) {
    return new FieldMap(null, null, 0, Collections.unmodifiableMap(fields));
  }

  static FieldMap empty() {
    return EMPTY;
  }

  /** Copies and checks a map from outside; our own maps pass through. */
  static Map<String, Object> freeze(Map<String, Object> fields) {
    if (fields == null || fields.isEmpty()) {
      return EMPTY;
    }
    if (fields instanceof FieldMap map) {
      return map;
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(fields.size() * 2);
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      Object value = field.getValue();
      if (field.getKey() == null) {
        throw new IllegalArgumentException("field names must not be null");
      }
      if (value != null
          && !(value instanceof String
              || value instanceof Long
              || value instanceof Double
              || value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "field '"
                + field.getKey()
                + "': String, Long, Double, Boolean or null. Found: "
                + value.getClass().getName());
      }
      copy.put(field.getKey(), value);
    }
    return own(copy);
  }

  @Override
  public int size() {
    return owned != null ? owned.size() : size;
  }

  @Override
  public boolean containsKey(Object key) {
    if (owned != null) {
      return owned.containsKey(key);
    }
    int i = layout.indexOf(key);
    return i >= 0 && i < size;
  }

  @Override
  public Object get(Object key) {
    if (owned != null) {
      return owned.get(key);
    }
    int i = layout.indexOf(key);
    return i >= 0 && i < size ? values[i] : null;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    if (owned != null) {
      return owned.entrySet();
    }
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(layout.name(i), values[i]);
          }
        };
      }
    };
  }
}
