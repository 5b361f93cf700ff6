package io.tidewatch.app;

import io.tidewatch.ingest.imports.ImportFailedException;
import io.tidewatch.ingest.imports.ImportProgress;
import io.tidewatch.ingest.imports.ImportRequest;
import io.tidewatch.ingest.imports.ImportSummary;
import io.tidewatch.ingest.imports.LogImporter;
import io.tidewatch.ingest.parse.LogFormats;
import io.tidewatch.model.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidewatch logs ...}: work with log events. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Load log files into Tidewatch.",
    subcommands = {LogsCommand.Import.class})
final class LogsCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code tidewatch logs import FILE...}: parse files and produce them to {@code tw.logs}.
   *
   * <p>Exit codes: 0 when every line parsed and every record was acknowledged; 1 when some lines
   * were rejected (they are in {@code tw.dlq.ingest}, the rest is imported) or some records could
   * not be delivered; 2 for usage errors, unreadable files, or a Kafka that cannot be reached or
   * has no Tidewatch topics.
   */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Parse log files (plain or gzip) and produce each line to tw.logs as an event timed by"
            + " the line; lines that do not parse go to tw.dlq.ingest with the reason in headers.",
        "Exit 0: every line parsed; 1: some lines rejected (see the summary) or not delivered;"
            + " 2: usage or I/O error."
      })
  static final class Import implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to import, in order.")
    List<Path> files;

    @Option(
        names = "--log-group",
        required = true,
        paramLabel = "GROUP",
        description = "Log group of the events, e.g. /nginx/access.")
    String logGroup;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        description = "nginx | apache | alb | vpc-flow | json | raw.")
    String format;

    @ArgGroup(exclusive = true)
    Layout layout = new Layout();

    /** The optional layout of the format. */
    static final class Layout {
      @Option(
          names = "--log-format",
          paramLabel = "LOG_FORMAT",
          description =
              "nginx log_format string (default: combined), or Apache LogFormat string /"
                  + " common / combined.")
      String logFormat;

      @Option(
          names = "--fields",
          paramLabel = "FIELDS",
          description =
              "VPC flow log custom format, e.g. '${version} ${vpc-id} ${srcaddr} ...'"
                  + " (default: the version 2 format).")
      String fields;
    }

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
      ImportRequest request = request();
      try {
        LogImporter.parser(request);
      } catch (IllegalArgumentException e) {
        throw new OneLineErrors.UsageException(e.getMessage());
      }
      Topics topics = kafka.topics();
      kafka.requireTopics(topics.logs().name(), topics.dlq("ingest").name());
      ImportSummary summary;
      try (KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(LogImporter.producerConfig(kafka.bootstrapServers()));
          Progress progress = Progress.open(totalBytes(), !quiet && System.console() != null)) {
        summary = new LogImporter(producer, topics).run(request, progress);
      } catch (ImportFailedException e) {
        printSummary(e.summary(), topics);
        throw new OneLineErrors.UsageException(
            e.getMessage() + "; the lines before it were imported (see the summary)");
      } catch (IOException e) {
        throw new OneLineErrors.UsageException("cannot read " + describe(e));
      }
      printSummary(summary, topics);
      if (summary.undelivered() > 0) {
        spec.commandLine()
            .getErr()
            .println(
                "tidewatch: "
                    + summary.undelivered()
                    + " records were not acknowledged by Kafka; first error: "
                    + summary.firstDeliveryError());
      }
      return summary.clean() ? 0 : OneLineErrors.EXIT_FAILURE;
    }

    private void printSummary(ImportSummary summary, Topics topics) {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "imported %d file%s (%d lines, %d bytes) in %.1f s (%.0f lines/s) into %s,"
              + " log group %s%n",
          summary.files(),
          summary.files() == 1 ? "" : "s",
          summary.lines(),
          summary.bytes(),
          summary.elapsed().toMillis() / 1000.0,
          summary.linesPerSecond(),
          topics.logs().name(),
          logGroup);
      out.print(summary.counts());
      if (summary.stats().rejected() > 0) {
        out.print("; rejected lines are in " + topics.dlq("ingest").name());
      }
      out.println();
      out.flush();
    }

    private ImportRequest request() {
      String name = format.strip().toLowerCase(Locale.ROOT);
      if (layout.fields != null && !name.equals(LogFormats.VPC_FLOW)) {
        throw new OneLineErrors.UsageException(
            "--fields is the custom format of VPC flow logs; use it with --format vpc-flow");
      }
      if (layout.logFormat != null
          && !name.equals(LogFormats.NGINX)
          && !name.equals(LogFormats.APACHE)) {
        throw new OneLineErrors.UsageException(
            "--log-format is an nginx or Apache format string; use it with --format nginx or"
                + " --format apache");
      }
      for (Path file : files) {
        if (Files.isDirectory(file)) {
          throw new OneLineErrors.UsageException(
              file + ": is a directory; give the files in it (e.g. " + file.resolve("*.log") + ")");
        }
        if (!Files.exists(file)) {
          throw new OneLineErrors.UsageException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
          throw new OneLineErrors.UsageException(file + ": not a regular file");
        }
        if (!Files.isReadable(file)) {
          throw new OneLineErrors.UsageException(file + ": not readable");
        }
      }
      if (logGroup.isBlank()) {
        throw new OneLineErrors.UsageException("--log-group must not be empty");
      }
      Optional<String> layoutText =
          Optional.ofNullable(layout.logFormat != null ? layout.logFormat : layout.fields);
      return new ImportRequest(files, logGroup, name, layoutText);
    }

    private long totalBytes() {
      long total = 0;
      for (Path file : files) {
        try {
          total += Files.size(file);
        } catch (IOException e) {
          throw new OneLineErrors.UsageException("cannot read " + describe(e));
        }
      }
      return total;
    }

    private static String describe(IOException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  /** A progress bar on stderr over the bytes read, or nothing. */
  private static final class Progress implements ImportProgress, AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
      this.bar = bar;
    }

    static Progress open(long totalBytes, boolean show) {
      if (!show) {
        return new Progress(null);
      }
      return new Progress(
          new ProgressBarBuilder()
              .setTaskName("import")
              .setInitialMax(totalBytes)
              .setUnit(" MiB", 1024 * 1024)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .showSpeed()
              .build());
    }

    @Override
    public void advanced(long bytesRead) {
      if (bar != null) {
        bar.stepTo(bytesRead);
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
