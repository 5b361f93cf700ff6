package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigLoaderTest {

  @Test
  void shouldReadEveryFieldAndApplyDefaults() {
    AgentConfig config =
        AgentConfigLoader.parse(
            """
            host: web-1
            dimensions: {env: prod, team: web}
            kafka:
              bootstrapServers: 127.0.0.1:9092
            spool:
              dir: /tmp/spool
              maxBytes: 64MiB
            logs:
              - paths: [/var/log/nginx/access.log, /var/log/nginx/*.log]
                format: nginx
                logFormat: '$remote_addr [$time_local] "$request" $status'
                logGroup: /nginx/access
              - paths: /var/log/flows.log
                format: vpc-flow
                logGroup: /vpc
                startAt: beginning
            """,
            "agent.yaml");
    assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.host()).isEqualTo("web-1");
    assertThat(config.namespace()).isEqualTo("host");
    assertThat(config.dimensions()).containsEntry("env", "prod").containsEntry("team", "web");
    assertThat(config.output()).isEqualTo(new AgentConfig.Kafka("127.0.0.1:9092", "tw."));
    assertThat(config.spoolDir()).isEqualTo(Path.of("/tmp/spool"));
    assertThat(config.spoolMaxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.hostMetrics()).isTrue();
    assertThat(config.logs()).hasSize(2);
    assertThat(config.logs().get(0).layout())
        .contains("$remote_addr [$time_local] \"$request\" $status");
    assertThat(config.logs().get(1).paths()).containsExactly("/var/log/flows.log");
    assertThat(config.logs().get(1).layout()).isEqualTo(Optional.empty());
    assertThat(config.logs().get(0).startAt()).isEqualTo(AgentConfig.StartAt.END);
    assertThat(config.logs().get(1).startAt()).isEqualTo(AgentConfig.StartAt.BEGINNING);
  }

  @Test
  void shouldReportEveryProblemWithFileLineAndColumn() {
    assertThatThrownBy(
            () ->
                AgentConfigLoader.parse(
                    """
                    interval: 10 seconds
                    kafka:
                      bootstrap: 127.0.0.1:9092
                    spool:
                      dir: /tmp/spool
                    logs:
                      - paths: [/var/log/a.log]
                        format: ngnix
                        logGroup: /a
                        startAt: now
                    """,
                    "agent.yaml"))
        .isInstanceOf(AgentConfigException.class)
        .satisfies(
            e ->
                assertThat(((AgentConfigException) e).problems())
                    .anySatisfy(
                        p -> assertThat(p).startsWith("agent.yaml:1:11: expected a duration"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("agent.yaml:3:3: unknown key 'bootstrap'"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("agent.yaml:3:3: kafka: bootstrapServers is required")
                                .isNotNull())
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("agent.yaml:8:13: unknown log format 'ngnix'")
                                .contains("did you mean 'nginx'"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "agent.yaml:10:14: logs: startAt is end (the default) or"
                                        + " beginning, found 'now'")));
  }

  @Test
  void shouldRejectDuplicateKeys() {
    assertThatThrownBy(
            () -> AgentConfigLoader.parse("interval: 10s\ninterval: 20s\n", "agent.yaml"))
        .hasMessageContaining("agent.yaml:2:1: duplicate key 'interval'");
  }

  @Test
  void shouldReadTheOtlpOutputWithHeadersFromTheEnvironmentAndDefaults() {
    AgentConfig config =
        AgentConfigLoader.parse(
            """
            otlp:
              endpoint: "https://collector.example:4318/otel/"
              headers:
                Authorization: "Bearer ${OTLP_TOKEN}"
                X-Tenant: web
            spool: {dir: /tmp/spool}
            """,
            "agent.yaml",
            Map.of("OTLP_TOKEN", "s3cret"));
    AgentConfig.Otlp otlp = (AgentConfig.Otlp) config.output();
    assertThat(otlp.endpoint()).isEqualTo(URI.create("https://collector.example:4318/otel"));
    assertThat(otlp.headers())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("Authorization", "Bearer s3cret", "X-Tenant", "web"));
    assertThat(otlp.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(otlp.gzip()).isTrue();
    assertThat(otlp.toString()).doesNotContain("s3cret");

    AgentConfig.Otlp plain =
        (AgentConfig.Otlp)
            AgentConfigLoader.parse(
                    "otlp: {endpoint: 'http://127.0.0.1:4318', timeout: 2s, compression: none}\n"
                        + "spool: {dir: /tmp/spool}\n",
                    "agent.yaml",
                    Map.of())
                .output();
    assertThat(plain.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(plain.gzip()).isFalse();
    assertThat(plain.headers()).isEmpty();
  }

  @Test
  void shouldReportEveryOtlpProblemWithFileLineAndColumnWithoutHeaderValues() {
    assertThatThrownBy(
            () ->
                AgentConfigLoader.parse(
                    """
                    otlp:
                      endpoint: "ftp://collector:4318?x=1"
                      headers:
                        Authorization: "Bearer ${MISSING_TOKEN} s3cret"
                        Content-Type: text/plain
                        "bad header": x
                      timeout: soon
                      compression: zstd
                      retries: 3
                    spool: {dir: /tmp/spool}
                    """,
                    "agent.yaml",
                    Map.of()))
        .isInstanceOf(AgentConfigException.class)
        .satisfies(
            e ->
                assertThat(((AgentConfigException) e).problems())
                    .allSatisfy(p -> assertThat(p).doesNotContain("s3cret"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("agent.yaml:2:13: otlp: endpoint is http(s)://HOST"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .isEqualTo(
                                    "agent.yaml:4:20: otlp: headers: Authorization uses"
                                        + " ${MISSING_TOKEN}, which is not set"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "agent.yaml:5:5: otlp: headers: 'Content-Type' is set by the"
                                        + " agent itself"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "agent.yaml:6:5: otlp: headers: 'bad header' is not a valid"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("agent.yaml:7:12: expected a duration"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .isEqualTo(
                                    "agent.yaml:8:16: otlp: compression is gzip (the default) or"
                                        + " none, found 'zstd'"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("agent.yaml:9:3: unknown key 'retries'")));
  }

  @Test
  void shouldRequireExactlyOneOfKafkaAndOtlp() {
    assertThatThrownBy(
            () ->
                AgentConfigLoader.parse(
                    "otlp: {endpoint: 'http://127.0.0.1:4318'}\nkafka: {bootstrapServers: x:1}\n"
                        + "spool: {dir: /tmp/s}\n",
                    "agent.yaml"))
        .isInstanceOf(AgentConfigException.class)
        .hasMessage(
            "agent.yaml:1:7: otlp: give either kafka: (records straight to the topics) or otlp:"
                + " (an OTLP/HTTP endpoint), not both");
    assertThatThrownBy(() -> AgentConfigLoader.parse("spool: {dir: /tmp/s}\n", "agent.yaml"))
        .hasMessage(
            "agent.yaml:1:1: kafka: a mapping with bootstrapServers is required (or otlp: with an"
                + " endpoint)");
    assertThatThrownBy(
            () ->
                AgentConfigLoader.parse(
                    "otlp: {headers: {X-A: b}}\nspool: {dir: /tmp/s}\n", "agent.yaml"))
        .hasMessage("agent.yaml:1:7: otlp: endpoint is required, e.g. http://collector:4318");
  }
}
