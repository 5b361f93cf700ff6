package io.tidewatch.ingest.otlp;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.tidewatch.model.metric.SeriesId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The series of the points in OTLP exports, each worked out once. An exporter sends the same series
 * every interval, spelled the same way: the same resource, metric name and point attributes in the
 * same order. So a point's series is looked up by that spelling, its attribute texts compared as
 * sent, instead of merging its dimensions into a sorted map, building a {@link SeriesId}, then
 * hashing and comparing that map, then keying and encoding the series again. Only a spelling not
 * seen recently takes that way, once.
 *
 * <p>A series spelled two ways (attributes in another order, say) has two entries with equal ids:
 * the spelling only finds the series, it never decides it.
 *
 * <p>Exporters also send a metric's points in the same order every time. So for each metric it
 * keeps the spellings of its points in the order last seen, in one array, and their series ({@link
 * MetricSeries}): a point is then checked against the next spelling in that array, which the CPU
 * reads ahead, rather than looked up in a table of all series, where each step is a likely cache
 * miss (the table outgrows the CPU's caches, shared with the broker and the HTTP server). A point
 * that does not match takes the table, and the metric's order is kept anew.
 *
 * <p>Bounded: it remembers at most {@link RecentSeries#DEFAULT_MAX_ENTRIES} spellings and as many
 * resources, and starts over when full (see {@link RecentSeries}). Thread-safe.
 */
final class SeriesCatalog {

  static final String[] NO_ATTRIBUTES = {};
  private static final long SEED = 0x6A09E667F3BCC909L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /**
   * Mixes one more part's hash into a spelling's. Not {@code 31 * h + x}: series names and
   * attribute values are full of numbers ({@code web-3}, {@code metric.45}, {@code cpu=7}), and
   * with a linear combination {@code web-3 … metric.45} and {@code web-4 … metric.35} hash alike,
   * which piles a fleet's series into a few hash buckets.
   */
  private static long mix(long h, int part) {
    long mixed = (h ^ part) * GOLDEN;
    return mixed ^ (mixed >>> 29);
  }

  static int spellingHash(ResourceSeries resource, String name, String[] attributes) {
    long h = mix(mix(SEED, resource.hash), name.hashCode());
    for (String text : attributes) {
      h = mix(h, text.hashCode());
    }
    return fold(h);
  }

  /** {@code lead} (when not null) and the parts, each after its length (two chars). */
  private static char[] join(String lead, String[] parts) {
    int length = lead == null ? 0 : lead.length() + 2;
    for (String part : parts) {
      length += part.length() + 2;
    }
    char[] text = new char[length];
    int at = lead == null ? 0 : append(text, 0, lead);
    for (String part : parts) {
      at = append(text, at, part);
    }
    return text;
  }

  private static int append(char[] text, int at, String part) {
    text[at] = (char) (part.length() >>> 16);
    text[at + 1] = (char) part.length();
    part.getChars(0, part.length(), text, at + 2);
    return at + 2 + part.length();
  }

  /** The attributes' keys and value texts ({@link AnyValues}), alternating. */
  static String[] texts(List<KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return NO_ATTRIBUTES;
    }
    String[] texts = new String[attributes.size() * 2];
    int i = 0;
    for (KeyValue attribute : attributes) {
      texts[i++] = attribute.getKey();
      texts[i++] = AnyValues.toText(attribute.getValue());
    }
    return texts;
  }

  private static int fold(long h) {
    return (int) (h ^ (h >>> 32));
  }

  /**
   * What a resource gives each of its series: the namespace and the dimensions from its attributes.
   * One instance per distinct resource is kept ({@link #resource}), so that the spellings of its
   * series compare it by reference.
   */
  static final class ResourceSeries {
    private final String namespace;
    private final SortedMap<String, String> dimensions;
    private final int hash;

    private ResourceSeries(String namespace, SortedMap<String, String> dimensions) {
      this.namespace = namespace;
      this.dimensions = dimensions;
      long h = mix(SEED, namespace.hashCode());
      for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
        h = mix(mix(h, dimension.getKey().hashCode()), dimension.getValue().hashCode());
      }
      this.hash = fold(h);
    }

    @Override
    public boolean equals(Object other) {
      return this == other
          || other instanceof ResourceSeries that
              && namespace.equals(that.namespace)
              && dimensions.equals(that.dimensions);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * A series as an export spells it; {@code attributes} alternate keys and value texts. It is
   * compared by {@code text}, the name and the attributes in one array (each part after its
   * length), so that telling a known series from another reads one array rather than a string
   * object and its characters per part: the catalog outgrows the CPU's caches, and each object read
   * is a likely miss.
   */
  private static final class Spelling {
    private final ResourceSeries resource;
    private final String name;
    private final String[] attributes;
    private final char[] text;
    private final int hash;

    Spelling(ResourceSeries resource, String name, String[] attributes) {
      this.resource = resource;
      this.name = name;
      this.attributes = attributes;
      this.text = join(name, attributes);
      this.hash = spellingHash(resource, name, attributes);
    }

    @Override
    public boolean equals(Object other) {
      return this == other
          || other instanceof Spelling that
              && hash == that.hash
              && Arrays.equals(text, that.text)
              && resource.equals(that.resource);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    SeriesId toSeriesId() {
      TreeMap<String, String> dimensions = new TreeMap<>(resource.dimensions);
      for (int i = 0; i < attributes.length; i += 2) {
        dimensions.put(attributes[i], attributes[i + 1]); // a point attribute wins
      }
      return new SeriesId(resource.namespace, name, dimensions);
    }
  }

  /**
   * A metric with more points than this in one export is not kept in order: with {@link
   * #MAX_ORDERS}, the orders take at most a few tens of MiB.
   */
  static final int MAX_POINTS_PER_ORDER = 128;

  /** At most this many metrics' orders are kept. */
  static final int MAX_ORDERS = 4_096;

  private final RecentSeries<ResourceSeries, ResourceSeries> resources;
  private final RecentSeries<Spelling, EncodedSeries> series;
  private final RecentSeries<MetricKey, PointOrder> metricOrders;

  SeriesCatalog() {
    this(RecentSeries.DEFAULT_MAX_ENTRIES);
  }

  SeriesCatalog(int maxEntries) {
    this.resources = new RecentSeries<>(maxEntries);
    this.series = new RecentSeries<>(maxEntries);
    this.metricOrders = new RecentSeries<>(Math.min(maxEntries, MAX_ORDERS));
  }

  /** The one instance kept for this resource's namespace and dimensions. */
  ResourceSeries resource(String namespace, SortedMap<String, String> dimensions) {
    ResourceSeries resource =
        new ResourceSeries(
            Objects.requireNonNull(namespace, "namespace"),
            Objects.requireNonNull(dimensions, "dimensions"));
    return resources.get(resource, same -> same);
  }

  /**
   * The series of a point of metric {@code name} with these attributes from this resource: the
   * resource's dimensions and the point's attributes (a point attribute wins over a resource
   * attribute with the same key, a later one over an earlier), values rendered by {@link
   * AnyValues}.
   */
  EncodedSeries series(ResourceSeries resource, String name, List<KeyValue> attributes) {
    return series(resource, name, texts(attributes));
  }

  private EncodedSeries series(ResourceSeries resource, String name, String[] texts) {
    return series.get(
        new Spelling(resource, name, texts), spelling -> EncodedSeries.of(spelling.toSeriesId()));
  }

  /**
   * The series of metric {@code name}'s points from this resource in one export: ask {@link
   * MetricSeries#next} for each point in order, then {@link MetricSeries#finish}.
   */
  MetricSeries metric(ResourceSeries resource, String name) {
    MetricKey key = new MetricKey(resource, name);
    return new MetricSeries(key, metricOrders.get(key));
  }

  int size() {
    return series.size();
  }

  /** A metric of a resource. */
  private record MetricKey(ResourceSeries resource, String name) {}

  /**
   * The points of a metric in the order an export sent them: point {@code i}'s spelling is {@code
   * text[starts[i]..starts[i + 1])}, its series {@code series[i]}.
   */
  private record PointOrder(char[] text, int[] starts, EncodedSeries[] series) {
    int points() {
      return series.length;
    }

    char[] spelling(int point) {
      return Arrays.copyOfRange(text, starts[point], starts[point + 1]);
    }

    boolean matches(int point, char[] spelling) {
      return point < series.length
          && Arrays.equals(text, starts[point], starts[point + 1], spelling, 0, spelling.length);
    }
  }

  /** Finds the series of one metric's points in one export; not thread-safe. */
  final class MetricSeries {
    private final MetricKey key;
    private final PointOrder known;
    private int points;
    // This export's spellings and series, kept only once it left the known order.
    private List<char[]> spellings;
    private List<EncodedSeries> found;

    private MetricSeries(MetricKey key, PointOrder known) {
      this.key = key;
      this.known = known;
    }

    /** The series of the metric's next point. */
    EncodedSeries next(List<KeyValue> attributes) {
      return next(texts(attributes));
    }

    /** The series of the metric's next point, its attributes given by {@link #texts}. */
    EncodedSeries next(String[] texts) {
      char[] spelling = join(null, texts);
      int point = points++;
      if (spellings == null && known != null && known.matches(point, spelling)) {
        return known.series()[point];
      }
      if (spellings == null) {
        leaveKnownOrder(point);
      }
      EncodedSeries series = series(key.resource(), key.name(), texts);
      spellings.add(spelling);
      found.add(series);
      return series;
    }

    /** Starts keeping this export's order, the first {@code matched} points as known. */
    private void leaveKnownOrder(int matched) {
      spellings = new ArrayList<>();
      found = new ArrayList<>();
      for (int i = 0; i < matched; i++) {
        spellings.add(known.spelling(i));
        found.add(known.series()[i]);
      }
    }

    /** Keeps the order of this export's points when it differs from the one known. */
    void finish() {
      if (spellings == null && known != null && points == known.points()) {
        return;
      }
      if (spellings == null) {
        leaveKnownOrder(points); // fewer points than known, or none at all
      }
      if (found.isEmpty() || found.size() > MAX_POINTS_PER_ORDER) {
        metricOrders.remove(key);
        return;
      }
      int[] starts = new int[found.size() + 1];
      for (int i = 0; i < found.size(); i++) {
        starts[i + 1] = starts[i] + spellings.get(i).length;
      }
      char[] text = new char[starts[found.size()]];
      for (int i = 0; i < found.size(); i++) {
        char[] spelling = spellings.get(i);
        System.arraycopy(spelling, 0, text, starts[i], spelling.length);
      }
      metricOrders.put(key, new PointOrder(text, starts, found.toArray(EncodedSeries[]::new)));
    }
  }
}
