package io.tidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.model.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidewatch ingest}: settings from options and files, and clear errors before any start. */
class IngestCommandTest {

  @TempDir Path dir;

  private static IngestCommand parse(String... args) {
    IngestCommand command = new IngestCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void shouldBuildTheConnectorConfigFromAYamlFileAndOptions() throws Exception {
    Path settings = dir.resolve("nginx.yaml");
    Files.writeString(
        settings,
        """
        files: [/var/log/nginx/access.log*, /var/log/nginx/other.log]
        format: nginx
        log.group: /from/file
        max.line.bytes: 1024
        """);
    IngestCommand command =
        parse("--config", settings.toString(), "--log-group", "/nginx/access", "--name", "web");
    Map<String, String> config = command.connectorConfig(new Topics("tw."), true);
    assertThat(config)
        .containsEntry("files", "/var/log/nginx/access.log*,/var/log/nginx/other.log")
        .containsEntry("log.group", "/nginx/access")
        .containsEntry("max.line.bytes", "1024")
        .containsEntry("name", "web")
        .containsEntry("exactly.once.support", "required")
        .containsEntry("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");

    Map<String, String> worker = command.workerConfig(new Topics("tw."));
    assertThat(worker)
        .containsEntry("exactly.once.source.support", "enabled")
        .containsEntry("offset.storage.topic", "tw.connect-offsets")
        .containsEntry("group.id", "tw.connect");
  }

  @Test
  void shouldKeepOffsetsInAFileAndAskNoExactlyOnceWhenStandalone() {
    IngestCommand command =
        parse(
            "--standalone",
            "--offsets-file",
            dir.resolve("web.offsets").toString(),
            "--files",
            "/var/log/web.log",
            "--format",
            "raw",
            "--log-group",
            "/web",
            "--bootstrap-servers",
            "kafka:9092");
    Map<String, String> worker = command.standaloneWorkerConfig();
    assertThat(worker)
        .containsEntry("offset.storage.file.filename", dir.resolve("web.offsets").toString())
        .containsEntry("offset.flush.interval.ms", ConnectWorker.STANDALONE_FLUSH_MS)
        .containsEntry("bootstrap.servers", "kafka:9092")
        .doesNotContainKeys("exactly.once.source.support", "group.id", "offset.storage.topic");
    assertThat(command.connectorConfig(new Topics("tw."), false))
        .doesNotContainKey("exactly.once.support");
  }

  @Test
  void shouldMakeRelativeGlobsAbsolute() {
    Map<String, String> config =
        parse("--files", "logs/*.log", "--format", "raw", "--log-group", "/g")
            .connectorConfig(new Topics("tw."), true);
    assertThat(config.get("files")).startsWith("/").endsWith("/logs/*.log");
  }

  @Test
  void shouldRefuseABadSettingBeforeStartingAnything() {
    StringWriter err = new StringWriter();
    CommandLine command = Tidewatch.commandLine();
    command.setErr(new PrintWriter(err, true));
    int exit =
        command.execute(
            "ingest",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--files",
            "/var/log/x.log",
            "--format",
            "ngnix",
            "--log-group",
            "/g");
    assertThat(exit).isEqualTo(OneLineErrors.EXIT_USAGE);
    assertThat(err.toString()).contains("format").contains("did you mean 'nginx'");
  }
}
