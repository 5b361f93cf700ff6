package io.tidewatch.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** The {@code tidewatch} command run in-process as a user runs it: what it printed and returned. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Tidewatch.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  static CliRun run(List<String> args) {
    return run(args.toArray(String[]::new));
  }
}
