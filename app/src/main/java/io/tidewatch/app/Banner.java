package io.tidewatch.app;

import io.tidewatch.rules.RuleSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** What runs where, printed once the all-in-one is up. */
final class Banner {

  private Banner() {}

  static void print(
      PrintWriter out,
      AllInOne.Endpoints endpoints,
      Optional<Path> rulesDir,
      RuleSet rules,
      boolean demo) {
    out.println("Tidewatch is up.");
    out.printf(
        "  Kafka bootstrap  %s%s%n",
        endpoints.bootstrapServers(),
        endpoints.embedded()
            ? " (embedded broker, data in " + endpoints.dataDir().resolve("kafka") + ")"
            : " (external cluster)");
    out.printf("  OTLP/HTTP        %s  %s%n", endpoints.otlpMetrics(), endpoints.otlpLogs());
    out.printf("  OTLP/gRPC        %s (metrics and logs)%n", endpoints.otlpGrpc());
    out.printf("  Metrics          %s (Prometheus)%n", endpoints.metrics());
    endpoints
        .ingestRest()
        .ifPresent(
            rest ->
                out.printf(
                    "  Log files        tailed by a standalone Connect worker (REST %s)%n", rest));
    out.printf(
        "  Rules            %s (%d alarm%s in force%s)%n",
        rulesDir.map(Path::toString).orElse("as last applied"),
        rules.alarms().size(),
        rules.alarms().size() == 1 ? "" : "s",
        demo ? ", including the demo alarm" : "");
    out.printf("  Alarm log        %s%n", endpoints.alarmLog());
    out.println(
        "  Watch            ./tidewatch tail alarm-events --bootstrap-servers "
            + endpoints.bootstrapServers());
    if (demo) {
      out.println(
          "Demo: the web service's CPU runs hot about a minute from now; watch for ALARM, then OK.");
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }
}
