package io.tidewatch.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a protobuf OTLP metrics export request from its bytes, down to the data points of gauges
 * and sums, without building the generated message objects for them: a 1,000-point export made a
 * few thousand objects (points, attributes, values, their builders), which were much of the
 * receiver's work and of its garbage. Resources, scopes, histograms, summaries and any metric this
 * reader does not follow exactly are parsed by the generated code from their own bytes.
 *
 * <p>The result is what the generated parser gives: the same fields, the last of a repeated scalar,
 * UTF-8 checked in strings, unknown fields and fields of an unexpected wire type skipped. A
 * singular message field sent more than once is merged, as protobuf does, by parsing its
 * occurrences together. A metric whose data comes more than once, or with metadata, or with points
 * that carry exemplars, is left to the generated parser ({@link MetricBytes#number} is null).
 */
final class OtlpMetricsWire {

  private static final int RESOURCE_METRICS =
      tag(ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER);
  private static final int RESOURCE = tag(ResourceMetrics.RESOURCE_FIELD_NUMBER);
  private static final int SCOPE_METRICS = tag(ResourceMetrics.SCOPE_METRICS_FIELD_NUMBER);
  private static final int SCOPE = tag(ScopeMetrics.SCOPE_FIELD_NUMBER);
  private static final int METRICS = tag(ScopeMetrics.METRICS_FIELD_NUMBER);
  // schema_url is a string in both ResourceMetrics and ScopeMetrics: checked, not kept
  private static final int SCHEMA_URL = tag(ResourceMetrics.SCHEMA_URL_FIELD_NUMBER);

  private static final int NAME = tag(Metric.NAME_FIELD_NUMBER);
  private static final int DESCRIPTION = tag(Metric.DESCRIPTION_FIELD_NUMBER);
  private static final int UNIT = tag(Metric.UNIT_FIELD_NUMBER);
  private static final int GAUGE = tag(Metric.GAUGE_FIELD_NUMBER);
  private static final int SUM = tag(Metric.SUM_FIELD_NUMBER);
  private static final int HISTOGRAM = tag(Metric.HISTOGRAM_FIELD_NUMBER);
  private static final int EXPONENTIAL_HISTOGRAM = tag(Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER);
  private static final int SUMMARY = tag(Metric.SUMMARY_FIELD_NUMBER);
  private static final int METADATA = tag(Metric.METADATA_FIELD_NUMBER);

  private static final int DATA_POINTS = tag(Gauge.DATA_POINTS_FIELD_NUMBER);
  private static final int AGGREGATION_TEMPORALITY =
      varint(Sum.AGGREGATION_TEMPORALITY_FIELD_NUMBER);
  private static final int IS_MONOTONIC = varint(Sum.IS_MONOTONIC_FIELD_NUMBER);

  private static final int ATTRIBUTES = tag(NumberDataPoint.ATTRIBUTES_FIELD_NUMBER);
  private static final int START_TIME = fixed64(NumberDataPoint.START_TIME_UNIX_NANO_FIELD_NUMBER);
  private static final int TIME = fixed64(NumberDataPoint.TIME_UNIX_NANO_FIELD_NUMBER);
  private static final int AS_DOUBLE = fixed64(NumberDataPoint.AS_DOUBLE_FIELD_NUMBER);
  private static final int AS_INT = fixed64(NumberDataPoint.AS_INT_FIELD_NUMBER);
  private static final int EXEMPLARS = tag(NumberDataPoint.EXEMPLARS_FIELD_NUMBER);
  private static final int FLAGS = varint(NumberDataPoint.FLAGS_FIELD_NUMBER);

  private static final int KEY = tag(KeyValue.KEY_FIELD_NUMBER);
  private static final int VALUE = tag(KeyValue.VALUE_FIELD_NUMBER);
  private static final int STRING_VALUE = tag(AnyValue.STRING_VALUE_FIELD_NUMBER);

  private OtlpMetricsWire() {}

  /** The resource of some metrics and their scopes. */
  record ResourceExport(Resource resource, List<ScopeExport> scopes) {}

  /** A scope and its metrics, not yet read. */
  record ScopeExport(InstrumentationScope scope, List<MetricBytes> metrics) {}

  /** One metric's bytes within the request. */
  record MetricBytes(byte[] body, int offset, int length) {

    /** The metric parsed by the generated code. */
    Metric parse() throws InvalidProtocolBufferException {
      return Metric.parser().parseFrom(body, offset, length);
    }

    /**
     * The metric as a gauge or sum with its points read, or null when it is of another type or this
     * reader leaves it to the generated parser.
     */
    NumberMetric number() throws InvalidProtocolBufferException {
      return readNumberMetric(this);
    }
  }

  /**
   * A gauge or a sum, read.
   *
   * @param sum whether it is a sum (else a gauge)
   * @param temporality a sum's aggregation temporality, as its enum number
   */
  record NumberMetric(
      String name,
      String unit,
      boolean sum,
      int temporality,
      boolean monotonic,
      List<NumberPoint> points) {

    /** A sum of cumulative temporality: its points need their stream's identity. */
    boolean cumulativeStream() {
      return sum && temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE_VALUE;
    }

    /** A monotonic cumulative sum: a counter, mapped to deltas. */
    boolean cumulativeCounter() {
      return cumulativeStream() && monotonic;
    }
  }

  /**
   * One number data point, read.
   *
   * @param attributeTexts the point's attributes, keys and value texts alternating ({@link
   *     AnyValues})
   */
  record NumberPoint(
      int flags,
      NumberDataPoint.ValueCase valueCase,
      double asDouble,
      long asInt,
      long startNanos,
      long timeNanos,
      String[] attributeTexts) {

    static NumberPoint of(NumberDataPoint point) {
      return new NumberPoint(
          point.getFlags(),
          point.getValueCase(),
          point.getAsDouble(),
          point.getAsInt(),
          point.getStartTimeUnixNano(),
          point.getTimeUnixNano(),
          SeriesCatalog.texts(point.getAttributesList()));
    }
  }

  /** The request's resources, their scopes, and their metrics' bytes. */
  static List<ResourceExport> resources(byte[] body) throws InvalidProtocolBufferException {
    try {
      List<ResourceExport> resources = new ArrayList<>();
      CodedInputStream request = CodedInputStream.newInstance(body);
      for (int tag = request.readTag(); tag != 0; tag = request.readTag()) {
        if (tag == RESOURCE_METRICS) {
          resources.add(readResourceMetrics(body, Range.read(request, 0)));
        } else {
          request.skipField(tag);
        }
      }
      return resources;
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static ResourceExport readResourceMetrics(byte[] body, Range range) throws IOException {
    CodedInputStream in = range.open(body);
    List<Range> resource = new ArrayList<>(1);
    List<Range> scopes = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == RESOURCE) {
        resource.add(Range.read(in, range.offset()));
      } else if (tag == SCOPE_METRICS) {
        scopes.add(Range.read(in, range.offset()));
      } else if (tag == SCHEMA_URL) {
        in.readStringRequireUtf8();
      } else {
        in.skipField(tag);
      }
    }
    List<ScopeExport> scopeExports = new ArrayList<>(scopes.size());
    for (Range scope : scopes) {
      scopeExports.add(readScopeMetrics(body, scope));
    }
    return new ResourceExport(
        merged(body, resource, Resource.parser(), Resource.getDefaultInstance()), scopeExports);
  }

  private static ScopeExport readScopeMetrics(byte[] body, Range range) throws IOException {
    CodedInputStream in = range.open(body);
    List<Range> scope = new ArrayList<>(1);
    List<MetricBytes> metrics = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == SCOPE) {
        scope.add(Range.read(in, range.offset()));
      } else if (tag == METRICS) {
        Range metric = Range.read(in, range.offset());
        metrics.add(new MetricBytes(body, metric.offset(), metric.length()));
      } else if (tag == SCHEMA_URL) {
        in.readStringRequireUtf8();
      } else {
        in.skipField(tag);
      }
    }
    return new ScopeExport(
        merged(
            body, scope, InstrumentationScope.parser(), InstrumentationScope.getDefaultInstance()),
        metrics);
  }

  private static NumberMetric readNumberMetric(MetricBytes metric)
      throws InvalidProtocolBufferException {
    try {
      Range whole = new Range(metric.offset(), metric.length());
      CodedInputStream in = whole.open(metric.body());
      String name = "";
      String unit = "";
      int dataTag = 0;
      Range data = null;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == NAME) {
          name = in.readStringRequireUtf8();
        } else if (tag == UNIT) {
          unit = in.readStringRequireUtf8();
        } else if (tag == DESCRIPTION) {
          in.readStringRequireUtf8();
        } else if (tag == GAUGE
            || tag == SUM
            || tag == HISTOGRAM
            || tag == EXPONENTIAL_HISTOGRAM
            || tag == SUMMARY) {
          if (data != null) {
            return null; // data more than once: merged or replaced, as protobuf decides
          }
          dataTag = tag;
          data = Range.read(in, whole.offset());
        } else if (tag == METADATA) {
          return null;
        } else {
          in.skipField(tag);
        }
      }
      if (dataTag != GAUGE && dataTag != SUM) {
        return null;
      }
      return readNumberData(metric.body(), data, name, unit, dataTag == SUM);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  /** A {@code Gauge} or {@code Sum} message: both have their points in field 1. */
  private static NumberMetric readNumberData(
      byte[] body, Range data, String name, String unit, boolean sum) throws IOException {
    CodedInputStream in = data.open(body);
    int temporality = 0;
    boolean monotonic = false;
    List<NumberPoint> points = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == DATA_POINTS) {
        NumberPoint point = readNumberPoint(body, data.offset(), in);
        if (point == null) {
          return null;
        }
        points.add(point);
      } else if (sum && tag == AGGREGATION_TEMPORALITY) {
        temporality = in.readEnum();
      } else if (sum && tag == IS_MONOTONIC) {
        monotonic = in.readBool();
      } else {
        in.skipField(tag);
      }
    }
    return new NumberMetric(name, unit, sum, temporality, monotonic, points);
  }

  /**
   * A {@code NumberDataPoint} (its length next in {@code in}, which started at {@code base} in
   * {@code body}); null when it has exemplars, left to the generated parser.
   */
  private static NumberPoint readNumberPoint(byte[] body, int base, CodedInputStream in)
      throws IOException {
    int outer = in.pushLimit(in.readRawVarint32());
    int flags = 0;
    NumberDataPoint.ValueCase valueCase = NumberDataPoint.ValueCase.VALUE_NOT_SET;
    double asDouble = 0;
    long asInt = 0;
    long start = 0;
    long time = 0;
    List<String> texts = null;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (tag == ATTRIBUTES) {
        if (texts == null) {
          texts = new ArrayList<>(4);
        }
        readAttribute(body, base, in, texts);
      } else if (tag == TIME) {
        time = in.readFixed64();
      } else if (tag == START_TIME) {
        start = in.readFixed64();
      } else if (tag == AS_DOUBLE) {
        asDouble = in.readDouble();
        asInt = 0;
        valueCase = NumberDataPoint.ValueCase.AS_DOUBLE;
      } else if (tag == AS_INT) {
        asInt = in.readSFixed64();
        asDouble = 0;
        valueCase = NumberDataPoint.ValueCase.AS_INT;
      } else if (tag == FLAGS) {
        flags = in.readUInt32();
      } else if (tag == EXEMPLARS) {
        return null;
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return new NumberPoint(
        flags,
        valueCase,
        asDouble,
        asInt,
        start,
        time,
        texts == null ? SeriesCatalog.NO_ATTRIBUTES : texts.toArray(String[]::new));
  }

  /**
   * A {@code KeyValue}: adds its key and its value's text. A value that is not one plain string, or
   * sent more than once, is read by the generated code from the key-value's bytes.
   */
  private static void readAttribute(byte[] body, int base, CodedInputStream in, List<String> texts)
      throws IOException {
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    int outer = in.pushLimit(length);
    String key = "";
    String value = "";
    int values = 0;
    boolean plain = true;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (tag == KEY) {
        key = in.readStringRequireUtf8();
      } else if (tag == VALUE) {
        values++;
        String text = readPlainString(in);
        if (text == null) {
          plain = false;
        } else {
          value = text;
        }
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    if (!plain || values > 1) {
      KeyValue attribute = KeyValue.parser().parseFrom(body, base + start, length);
      key = attribute.getKey();
      value = AnyValues.toText(attribute.getValue());
    }
    texts.add(key);
    texts.add(value);
  }

  /** An {@code AnyValue}: its text when it is one string field or empty, else null. */
  private static String readPlainString(CodedInputStream in) throws IOException {
    int outer = in.pushLimit(in.readRawVarint32());
    String text = "";
    boolean plain = true;
    boolean first = true;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (first && tag == STRING_VALUE) {
        text = in.readStringRequireUtf8();
      } else {
        plain = false;
        in.skipField(tag);
      }
      first = false;
    }
    in.popLimit(outer);
    return plain ? text : null;
  }

  /**
   * A singular message field from its occurrences: the default when absent, merged as protobuf
   * merges when sent more than once (parsing the occurrences one after the other does that).
   */
  private static <M> M merged(byte[] body, List<Range> occurrences, Parser<M> parser, M absent)
      throws InvalidProtocolBufferException {
    if (occurrences.isEmpty()) {
      return absent;
    }
    if (occurrences.size() == 1) {
      Range only = occurrences.get(0);
      return parser.parseFrom(body, only.offset(), only.length());
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Range occurrence : occurrences) {
      all.write(body, occurrence.offset(), occurrence.length());
    }
    return parser.parseFrom(all.toByteArray());
  }

  /** Where a length-delimited field's content is in the request. */
  private record Range(int offset, int length) {

    /**
     * Reads the length next in {@code in} (which started at {@code base}) and skips the content.
     */
    static Range read(CodedInputStream in, int base) throws IOException {
      int length = in.readRawVarint32();
      Range range = new Range(base + in.getTotalBytesRead(), length);
      in.skipRawBytes(length);
      return range;
    }

    CodedInputStream open(byte[] body) {
      return CodedInputStream.newInstance(body, offset, length);
    }
  }

  /** A field's tag: its number and wire type, as the protobuf encoding defines it. */
  private static int makeTag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  private static int tag(int field) {
    return makeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  }

  private static int fixed64(int field) {
    return makeTag(field, WireFormat.WIRETYPE_FIXED64);
  }

  private static int varint(int field) {
    return makeTag(field, WireFormat.WIRETYPE_VARINT);
  }
}
