package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OtlpEncodingTest {

  static byte[] exampleJson() throws IOException {
    try (InputStream in =
        OtlpEncodingTest.class.getResourceAsStream("/otlp/metrics-example.json")) {
      return in.readAllBytes();
    }
  }

  @Test
  void shouldParseOtlpJsonWhenEnumsAreIntegersAndInt64sAreNumbersOrStrings() throws Exception {
    ExportMetricsServiceRequest request = OtlpEncoding.JSON.parseRequest(exampleJson());

    var metrics = request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics)
        .extracting(Metric::getName)
        .containsExactly("orders.placed", "queue.depth", "request.duration");
    Metric sum = metrics.get(0);
    assertThat(sum.getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(sum.getSum().getDataPoints(0).getTimeUnixNano()).isEqualTo(1544712660300000000L);
    assertThat(metrics.get(1).getGauge().getDataPoints(0).getAsInt()).isEqualTo(10);
    assertThat(metrics.get(1).getGauge().getDataPoints(0).getTimeUnixNano())
        .isEqualTo(1544712660300999999L);
  }

  @Test
  void shouldDecodeExemplarIdsAsHexWhenJsonCarriesThem() throws Exception {
    ExportMetricsServiceRequest request = OtlpEncoding.JSON.parseRequest(exampleJson());

    Exemplar exemplar =
        request
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0)
            .getSum()
            .getDataPoints(0)
            .getExemplars(0);
    assertThat(exemplar.getTraceId().toByteArray())
        .isEqualTo(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c"));
    assertThat(exemplar.getSpanId().toByteArray())
        .isEqualTo(HexFormat.of().parseHex("eee19b7ec3c1b174"));
    assertThat(exemplar.getFilteredAttributes(0).getKey()).isEqualTo("user.tier");
  }

  @Test
  void shouldIgnoreUnknownFieldsWhenJsonComesFromANewerSender() throws Exception {
    String json =
        "{\"resourceMetrics\":[{\"futureField\":1,\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\","
            + "\"gauge\":{\"dataPoints\":[{\"asDouble\":\"NaN\"}]}}]}]}]}";

    ExportMetricsServiceRequest request =
        OtlpEncoding.JSON.parseRequest(json.getBytes(StandardCharsets.UTF_8));

    assertThat(
            request
                .getResourceMetrics(0)
                .getScopeMetrics(0)
                .getMetrics(0)
                .getGauge()
                .getDataPoints(0)
                .getAsDouble())
        .isNaN();
  }

  @Test
  void shouldFailWithReasonWhenJsonIsMalformed() {
    assertThatThrownBy(
            () ->
                OtlpEncoding.JSON.parseRequest(
                    "{\"resourceMetrics\": [".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageNotContaining("null");
    assertThatThrownBy(
            () ->
                OtlpEncoding.JSON.parseRequest(
                    "{\"resourceMetrics\": [{\"exemplars\": ".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void shouldPrintInt64AsStringWhenResponseIsJson() {
    ExportMetricsServiceResponse response =
        ExportMetricsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(1)
                    .setErrorMessage("why"))
            .build();

    assertThat(new String(OtlpEncoding.JSON.encode(response), StandardCharsets.UTF_8))
        .isEqualTo("{\"partialSuccess\":{\"rejectedDataPoints\":\"1\",\"errorMessage\":\"why\"}}");
  }

  @Test
  void shouldRecognizeMediaTypesWhenHeaderHasParametersOrCase() {
    assertThat(OtlpEncoding.ofContentType("application/json; charset=utf-8"))
        .contains(OtlpEncoding.JSON);
    assertThat(OtlpEncoding.ofContentType("Application/X-Protobuf"))
        .contains(OtlpEncoding.PROTOBUF);
    assertThat(OtlpEncoding.ofContentType("text/plain")).isEmpty();
    assertThat(OtlpEncoding.ofContentType(null)).isEmpty();
  }
}
