package io.tidewatch.rules.test;

import io.tidewatch.model.alarm.AlarmState;
import java.util.List;

/** One alarm instance (metric or composite) run through a test. */
interface Timeline {

  /** The state once every evaluation at or before {@code t} happened. */
  AlarmState stateAt(long t);

  /** The actions fired by the evaluation at exactly {@code t}. */
  List<String> actionsAt(long t);

  /** When {@code action} fired, for messages: {@code 5m (→ ALARM)}. */
  List<String> firingTimes(String action);

  /** What the alarm saw up to {@code t}, several lines each ending with '\n'. */
  String describe(long t);
}
