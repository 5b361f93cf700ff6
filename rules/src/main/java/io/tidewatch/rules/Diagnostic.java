package io.tidewatch.rules;

import java.util.Objects;

/** One problem found in a rules directory; render it with {@link DiagnosticFormatter}. */
public record Diagnostic(Severity severity, DiagnosticCode code, SourceSpan span, String message) {

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(message, "message");
  }

  /** A diagnostic with the code's own severity. */
  public static Diagnostic of(DiagnosticCode code, SourceSpan span, String message) {
    return new Diagnostic(code.severity(), code, span, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
