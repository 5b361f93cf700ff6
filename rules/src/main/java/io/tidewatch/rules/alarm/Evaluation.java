package io.tidewatch.rules.alarm;

import io.tidewatch.model.alarm.AlarmState;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of evaluating an alarm once.
 *
 * @param changed whether {@link #state()} differs from the state before the evaluation
 * @param reason a sentence in CloudWatch's style, e.g. {@code Threshold Crossed: 3 out of the last
 *     5 datapoints [...] were greater than the threshold (70.0) ...}
 * @param reasonDataJson CloudWatch's {@code reasonData}: a JSON document as a string
 * @param evaluated the datapoints that decided, newest first (as CloudWatch lists them): the newest
 *     N real ones when there were N, else every period of the evaluation range, missing ones with a
 *     null value
 */
public record Evaluation(
    AlarmState state,
    boolean changed,
    String reason,
    String reasonDataJson,
    List<PeriodDatapoint> evaluated) {

  public Evaluation {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(reasonDataJson, "reasonDataJson");
    evaluated = List.copyOf(evaluated);
  }
}
