package io.tidewatch.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
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
    assertThat(config.topicPrefix()).isEqualTo("tw.");
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
  void shouldRejectDuplicateKeysAndTheNotImplementedOtlpOutput() {
    assertThatThrownBy(
            () -> AgentConfigLoader.parse("interval: 10s\ninterval: 20s\n", "agent.yaml"))
        .hasMessageContaining("agent.yaml:2:1")
        .hasMessageContaining("agent.yaml:2:1: duplicate key 'interval'");
    assertThatThrownBy(
            () ->
                AgentConfigLoader.parse(
                    "otlp: {endpoint: http://127.0.0.1:4318}\nkafka: {bootstrapServers: x:1}\n"
                        + "spool: {dir: /tmp/s}\n",
                    "agent.yaml"))
        .hasMessageContaining(
            "agent.yaml:1:7: otlp: shipping to an OTLP endpoint is not implemented yet");
  }
}
