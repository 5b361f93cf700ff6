package io.tidewatch.app;

import io.tidewatch.broker.PortInUseException;
import picocli.CommandLine;

/**
 * Maps failures to one line on stderr and an exit code, instead of a stack trace: 2 for usage and
 * configuration problems a person can fix, 1 for everything else.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    Throwable cause = exception;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    commandLine.getErr().println("tidewatch: " + cause.getMessage());
    return exception instanceof PortInUseException || exception instanceof UsageException
        ? EXIT_USAGE
        : EXIT_FAILURE;
  }

  /** A problem with what the user asked for, e.g. an unknown topic name. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
