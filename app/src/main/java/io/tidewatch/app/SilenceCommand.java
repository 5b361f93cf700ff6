package io.tidewatch.app;

import io.tidewatch.actions.policy.Matcher;
import io.tidewatch.actions.policy.Silence;
import io.tidewatch.actions.policy.SilenceStore;
import io.tidewatch.actions.policy.SilenceTopic;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidewatch silence add|list|expire}: mute firing notifications (resolves still go out). */
@Command(
    name = "silence",
    mixinStandardHelpOptions = true,
    description =
        "Mute firing notifications of matching alerts for a while, like Alertmanager silences."
            + " Resolved notifications of alerts that were notified are still delivered.",
    subcommands = {
      SilenceCommand.Add.class,
      SilenceCommand.ListSilences.class,
      SilenceCommand.Expire.class
    })
final class SilenceCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The silences of a running Tidewatch; the topic is {@code tidewatch up}'s to create. */
  static SilenceStore open(KafkaOptions kafka) throws InterruptedException {
    SilenceTopic topic = SilenceTopic.of(kafka.topics());
    kafka.requireTopics(topic.name());
    return SilenceStore.connect(kafka.bootstrapServers(), Map.of(), topic, Clock.systemUTC());
  }

  static String describe(Silence silence, Instant now) {
    return silence.id()
        + "  "
        + silence.status(now)
        + "  "
        + silence.startsAt()
        + " .. "
        + silence.endsAt()
        + "  "
        + silence.matchers()
        + "  by "
        + silence.createdBy()
        + (silence.comment() == null || silence.comment().isBlank()
            ? ""
            : ": " + silence.comment());
  }

  /** {@code tidewatch silence add team=web alarmName=~"web-.*" --duration 2h --comment ...}. */
  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a silence.")
  static final class Add implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(
        paramLabel = "MATCHER",
        arity = "1..*",
        description = "label=value, label!=value, label=~regex or label!~regex (all must match).")
    List<String> matchers;

    @Option(
        names = "--duration",
        paramLabel = "DURATION",
        defaultValue = "1h",
        converter = DurationConverter.class,
        description = "How long from now (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--author", paramLabel = "NAME", description = "Who (default: $USER).")
    String author;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Why.")
    String comment;

    @Override
    public Integer call() throws InterruptedException {
      List<Matcher> parsed;
      try {
        parsed = matchers.stream().map(Matcher::parse).toList();
      } catch (IllegalArgumentException e) {
        throw new OneLineErrors.UsageException(e.getMessage());
      }
      Instant now = Instant.now();
      String who = author != null ? author : System.getenv().getOrDefault("USER", "unknown");
      try (SilenceStore store = open(kafka)) {
        Silence silence =
            store.add(parsed, now, now.plus(duration), who, comment == null ? "" : comment);
        PrintWriter out = spec.commandLine().getOut();
        out.println(describe(silence, now));
        out.flush();
      }
      return 0;
    }
  }

  /** {@code tidewatch silence list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List silences.")
  static final class ListSilences implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws InterruptedException {
      Instant now = Instant.now();
      PrintWriter out = spec.commandLine().getOut();
      try (SilenceStore store = open(kafka)) {
        for (Silence silence : store.list()) {
          out.println(describe(silence, now));
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code tidewatch silence expire ID}. */
  @Command(name = "expire", mixinStandardHelpOptions = true, description = "End a silence now.")
  static final class Expire implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "ID", description = "The silence id, as listed.")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      try (SilenceStore store = open(kafka)) {
        Silence expired = store.expire(id);
        PrintWriter out = spec.commandLine().getOut();
        out.println(describe(expired, Instant.now()));
        out.flush();
      } catch (NoSuchElementException | IllegalStateException e) {
        throw new OneLineErrors.UsageException(e.getMessage());
      }
      return 0;
    }
  }
}
