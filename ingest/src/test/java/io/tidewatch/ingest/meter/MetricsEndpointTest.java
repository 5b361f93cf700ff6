package io.tidewatch.ingest.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidewatch.ingest.parse.Parsed;
import io.tidewatch.ingest.parse.RejectReason;
import io.tidewatch.ingest.parse.Rejected;
import io.tidewatch.testkit.Promtool;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  private static final Instant AT = Instant.parse("2026-11-22T07:30:00Z");

  private final HttpClient http = HttpClient.newHttpClient();
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = MetricsEndpoint.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void shouldServeCountsByReasonThatPromtoolAcceptsWhenScraped() throws Exception {
    IngestMeters agent = IngestMeters.of(endpoint.registry(), IngestSource.AGENT);
    agent.record(new Parsed(AT, Map.of("status", 200L)));
    agent.record(new Parsed(AT, Map.of("status", 404L)));
    agent.record(new Rejected(RejectReason.NO_MATCH, "no ' [' after the remote user"));
    IngestMeters.of(endpoint.registry(), IngestSource.IMPORT).ingested(0);

    HttpResponse<String> response = get(endpoint.uri());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("tidewatch_ingested_total{source=\"agent\"} 2.0\n")
        .contains("tidewatch_discarded_total{reason=\"no_match\",source=\"agent\"} 1.0\n")
        .contains("tidewatch_ingested_total{source=\"import\"} 0.0\n")
        .contains("jvm_memory_used_bytes{");
    Promtool.Result check = Promtool.checkMetrics(response.body());
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void shouldAnswerOnlyGetOnTheMetricsPath() throws Exception {
    HttpResponse<String> elsewhere = get(endpoint.uri().resolve("/"));
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(endpoint.uri())
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(elsewhere.statusCode()).isEqualTo(404);
    assertThat(elsewhere.body()).contains("GET /metrics");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void shouldNameTheAddressWhenThePortIsTaken() {
    assertThatThrownBy(() -> MetricsEndpoint.start("127.0.0.1", endpoint.port()))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("cannot serve /metrics on 127.0.0.1:" + endpoint.port());
  }

  @Test
  void shouldRefuseAPortOutOfRange() {
    assertThatThrownBy(() -> MetricsEndpoint.start("127.0.0.1", 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metrics port: 0 (a free one) to 65535. Found: 65536");
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
