package io.tidewatch.actions.slack;

import io.tidewatch.actions.core.ActionWorker;
import io.tidewatch.actions.core.ActionWorkerConfig;
import io.tidewatch.actions.core.RetryPolicy;
import io.tidewatch.actions.core.WorkerTestBed;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.ActionDefinition;
import io.tidewatch.rules.AlarmActions;
import io.tidewatch.rules.RuleSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An action worker as its own process, for the kill -9 test: {@code NotifierProcess BOOTSTRAP
 * PREFIX}. The Slack token and API URL come from the environment, as in production. Prints {@code
 * READY} once started and runs until killed.
 */
public final class NotifierProcess {

  static final String ALARM = "web-cpu-high";
  static final String ACTION = "ops-slack";
  static final String CHANNEL = "#ops-alerts";

  private NotifierProcess() {}

  static RuleSet rules() {
    return WorkerTestBed.rules(
        List.of(
            WorkerTestBed.alarm(
                ALARM,
                new AlarmActions(List.of(ACTION), List.of(ACTION), List.of()),
                Map.of("severity", "page"))),
        new ActionDefinition(ACTION, SlackProvider.TYPE, Map.of("channel", CHANNEL)));
  }

  public static void main(String[] args) throws Exception {
    RuleSet rules = rules();
    ActionWorkerConfig config =
        ActionWorkerConfig.of(args[0], new Topics(args[1]))
            .withRetry(new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0))
            // a killed worker's partitions are handed over after 6 s instead of the default 45 s
            .withKafka(Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1000));
    ActionWorker worker = new ActionWorker(config, () -> rules, Clock.systemUTC());
    worker.start();
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
