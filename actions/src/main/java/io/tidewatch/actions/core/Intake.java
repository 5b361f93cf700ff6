package io.tidewatch.actions.core;

import io.tidewatch.model.alarm.AlarmStateChange;
import java.util.Set;

/** How a lane turns alarm events into jobs; called on the lane's consumer thread. */
interface Intake {

  /**
   * Accepts one event: records what it asks for in the ledger and submits the work. Returns after
   * the ledger writes, so the event's offset may be committed.
   */
  void accept(AlarmStateChange event, DeadLetters.Origin origin);

  /** A record of the events topic that is not an alarm event. */
  default void unreadable(String key, byte[] value, DeadLetters.Origin origin, String reason) {}

  /**
   * Resumes the unfinished work recorded in the ledger for alarm instances on these partitions of
   * the events topic (after a restart or a rebalance).
   */
  void recover(Set<Integer> partitions);

  /**
   * The lane no longer owns these partitions (revoked in a rebalance, or lost with its group
   * membership): forget what is held for them, so that whoever gets them next (this lane again
   * included) rebuilds it from the ledger in {@link #recover}. Work already running goes on.
   */
  default void forget(Set<Integer> partitions) {}

  /** Work accepted and not finished. */
  int inFlight();
}
