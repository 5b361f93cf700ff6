package io.tidewatch.actions.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidewatch.actions.core.ActionKeys;
import io.tidewatch.actions.core.WorkerTestBed;
import io.tidewatch.broker.EmbeddedBroker;
import io.tidewatch.model.action.ActionRecord;
import io.tidewatch.model.action.ActionRecord.Phase;
import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.testkit.EmbeddedKafkaExtension;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RELIABILITY.md item 8: {@code kill -9} of the notifier right after Slack answered (before or
 * while the ledger is written), then a restart. Every firing must reach Slack (no loss) and at most
 * once more than it should (one duplicate per crash). The worker runs as a child JVM; the fake
 * Slack kills it with {@link Process#destroyForcibly()} (SIGKILL) from inside its answer handler.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class NotifierKillTest {

  private static final int ROUNDS = 3;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void shouldLoseNoNotificationAndDuplicateAtMostOncePerKill(EmbeddedBroker broker)
      throws Exception {
    try (WorkerTestBed bed = WorkerTestBed.create(broker, "kill");
        FakeSlack slack = FakeSlack.start()) {
      AtomicReference<Process> armed = new AtomicReference<>();
      slack.onAnswered(
          request -> {
            Process victim = armed.getAndSet(null);
            if (victim != null && request.method().equals("chat.postMessage") && request.ok()) {
              victim.destroyForcibly();
            }
          });
      Instant time = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      int windowHits = 0;
      Process worker = startWorker(bed, slack, 0);
      List<String> hosts = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        String host = "web-" + round;
        hosts.add(host);
        AlarmStateChange firing =
            WorkerTestBed.event(
                NotifierProcess.ALARM,
                Map.of("host", host),
                AlarmState.ALARM,
                AlarmState.OK,
                time.plusSeconds(round),
                Map.of("severity", "page"));
        armed.set(worker);
        bed.publish(firing);
        assertThat(worker.waitFor(60, TimeUnit.SECONDS))
            .as("round %d: the worker was killed", round)
            .isTrue();
        assertThat(worker.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        String key = ActionKeys.of(firing.id(), NotifierProcess.ACTION);
        List<ActionRecord> atCrash = bed.ledger(key);
        ActionRecord last = atCrash.get(atCrash.size() - 1);
        boolean window = last.phase() == Phase.REQUESTED && last.attempt() >= 1;
        if (window) {
          windowHits++;
        }

        worker = startWorker(bed, slack, round);
        await().atMost(WAIT).until(() -> bed.phases(key).contains(Phase.SUCCEEDED));
        Thread.sleep(1500);
        long posts = channelPosts(slack, host);
        assertThat(posts)
            .as(
                "round %d (%s): delivered, at most one duplicate",
                round, window ? "killed before the ledger write" : "ledger written before the kill")
            .isBetween(1L, 2L);
        if (!window) {
          assertThat(posts).as("round %d: the ledger knew, so no duplicate", round).isEqualTo(1);
        }
      }
      assertThat(windowHits)
          .as(
              "at least one kill landed between Slack's answer and the ledger write (else the test proves little)")
          .isPositive();

      // the thread survives the crashes: a resolve edits the recorded message and replies under it
      AlarmStateChange resolved =
          WorkerTestBed.event(
              NotifierProcess.ALARM,
              Map.of("host", "web-1"),
              AlarmState.OK,
              AlarmState.ALARM,
              time.plusSeconds(100),
              Map.of("severity", "page"));
      bed.publish(resolved);
      await().atMost(WAIT).until(() -> slack.requests("chat.update").size() == 1);
      FakeSlack.Request update = slack.requests("chat.update").get(0);
      List<String> web1Posts =
          slack.requests("chat.postMessage").stream()
              .filter(r -> r.param("thread_ts") == null && r.param("text").contains("host=web-1}"))
              .map(r -> r.ok() ? "ok" : "failed")
              .toList();
      assertThat(web1Posts).isNotEmpty();
      assertThat(update.param("ts")).startsWith("1700000000.");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  slack.requests("chat.postMessage").stream()
                      .anyMatch(r -> update.param("ts").equals(r.param("thread_ts"))));
      System.out.printf(
          "kill -9 test: %d rounds, %d killed between Slack's answer and the ledger write%n",
          ROUNDS, windowHits);
    }
  }

  private static long channelPosts(FakeSlack slack, String host) {
    return slack.requests("chat.postMessage").stream()
        .filter(
            r ->
                r.ok()
                    && r.param("thread_ts") == null
                    && r.param("text").contains("{host=" + host + "}"))
        .count();
  }

  private Process startWorker(WorkerTestBed bed, FakeSlack slack, int generation) throws Exception {
    Path log = Path.of("target", "notifier-" + bed.topics().prefix() + generation + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Xmx256m",
            NotifierProcess.class.getName(),
            bed.bootstrapServers(),
            bed.topics().prefix());
    builder.environment().put(SlackProvider.TOKEN_VARIABLE, "kill-test-token");
    builder.environment().put(SlackProvider.API_URL_VARIABLE, slack.apiUrl());
    builder.redirectError(log.toFile());
    Process process = builder.start();
    processes.add(process);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals("READY")) {
        return process;
      }
      if (System.currentTimeMillis() > deadline) {
        break;
      }
    }
    throw new IllegalStateException(
        "the notifier process did not start; see " + new File(log.toString()).getAbsolutePath());
  }
}
