package io.tidewatch.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The two OTLP/HTTP body encodings: binary protobuf and OTLP/JSON. */
enum OtlpEncoding {
  PROTOBUF("application/x-protobuf") {
    @Override
    void merge(byte[] body, Message.Builder request, boolean idsAnywhere)
        throws InvalidProtocolBufferException {
      request.mergeFrom(body);
    }

    @Override
    byte[] encode(Message message) {
      return message.toByteArray();
    }
  },

  /**
   * OTLP/JSON is proto3 JSON with two differences that {@link JsonFormat} does not know: trace and
   * span ids are hex, not base64, and enums may be integers (which JsonFormat accepts). Hex ids
   * (found in exemplars for metrics, on every record for logs) are rewritten to base64 first;
   * JsonFormat would otherwise decode them as base64 without complaint, into the wrong bytes.
   */
  JSON("application/json") {
    @Override
    void merge(byte[] body, Message.Builder request, boolean idsAnywhere)
        throws InvalidProtocolBufferException {
      JsonNode root = JsonSyntax.read(body);
      ProtoJsonTypes.check(root, request.getDescriptorForType());
      try {
        if (idsAnywhere ? containsAny(body, ID_KEYS) : contains(body, EXEMPLARS)) {
          JSON_PARSER.merge(HexIds.rewrite(root, idsAnywhere), request);
        } else {
          JSON_PARSER.merge(
              new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8),
              request);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidProtocolBufferException(JsonSyntax.withoutGsonAdvice(e.getMessage()));
      } catch (IOException | RuntimeException e) {
        // JsonFormat reports some errors as unchecked Gson exceptions
        throw new InvalidProtocolBufferException(JsonSyntax.withoutGsonAdvice(e.getMessage()));
      }
    }

    @Override
    byte[] encode(Message message) {
      try {
        return JSON_PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
      }
    }
  };

  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer JSON_PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final byte[] EXEMPLARS = "\"exemplars\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] ID_KEYS = {
    "\"traceId\"".getBytes(StandardCharsets.US_ASCII),
    "\"spanId\"".getBytes(StandardCharsets.US_ASCII),
    "\"trace_id\"".getBytes(StandardCharsets.US_ASCII),
    "\"span_id\"".getBytes(StandardCharsets.US_ASCII)
  };

  private final String mediaType;

  OtlpEncoding(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The {@code Content-Type} of bodies in this encoding. */
  String mediaType() {
    return mediaType;
  }

  /**
   * Merges a body into a request builder.
   *
   * @param idsAnywhere whether hex trace/span ids may be on any object (logs), not only in
   *     exemplars (metrics)
   */
  abstract void merge(byte[] body, Message.Builder request, boolean idsAnywhere)
      throws InvalidProtocolBufferException;

  ExportMetricsServiceRequest parseRequest(byte[] body) throws InvalidProtocolBufferException {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    merge(body, request, false);
    return request.build();
  }

  ExportLogsServiceRequest parseLogsRequest(byte[] body) throws InvalidProtocolBufferException {
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    merge(body, request, true);
    return request.build();
  }

  abstract byte[] encode(Message message);

  /** The encoding of a {@code Content-Type} header, ignoring parameters such as charset. */
  static Optional<OtlpEncoding> ofContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    int semicolon = contentType.indexOf(';');
    String mediaType =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    for (OtlpEncoding encoding : values()) {
      if (encoding.mediaType.equals(mediaType)) {
        return Optional.of(encoding);
      }
    }
    return Optional.empty();
  }

  private static boolean containsAny(byte[] haystack, byte[][] needles) {
    for (byte[] needle : needles) {
      if (contains(haystack, needle)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Rewrites OTLP/JSON's hex {@code traceId}/{@code spanId} (of exemplars, or anywhere) to proto3's
   * base64.
   */
  private static final class HexIds {
    private static final ObjectMapper MAPPER = JsonSyntax.MAPPER;
    private static final Map<String, Integer> ID_LENGTHS =
        Map.of("traceId", 32, "trace_id", 32, "spanId", 16, "span_id", 16);

    static String rewrite(JsonNode root, boolean anywhere) throws IOException {
      visit(root, anywhere, false);
      return MAPPER.writeValueAsString(root);
    }

    private static void visit(JsonNode node, boolean anywhere, boolean exemplar) {
      if (node.isArray()) {
        for (JsonNode element : node) {
          visit(element, anywhere, exemplar);
        }
      } else if (node.isObject()) {
        ObjectNode object = (ObjectNode) node;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
          Integer idLength = anywhere || exemplar ? ID_LENGTHS.get(field.getKey()) : null;
          if (idLength != null && isHex(field.getValue(), idLength)) {
            field.setValue(
                object.textNode(
                    Base64.getEncoder()
                        .encodeToString(HexFormat.of().parseHex(field.getValue().textValue()))));
          } else {
            visit(field.getValue(), anywhere, field.getKey().equals("exemplars"));
          }
        }
      }
    }

    /** Base64 of a 16- or 8-byte id is padded with '=', so it is never mistaken for hex. */
    private static boolean isHex(JsonNode value, int length) {
      if (!value.isTextual() || value.textValue().length() != length) {
        return false;
      }
      for (char c : value.textValue().toCharArray()) {
        boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) {
          return false;
        }
      }
      return true;
    }
  }
}
