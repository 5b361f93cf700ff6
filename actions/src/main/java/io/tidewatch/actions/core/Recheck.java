package io.tidewatch.actions.core;

import java.util.Map;

/**
 * Whether an attempt whose outcome was not recorded did happen (see {@link
 * ActionExecutor#recheck}).
 */
public sealed interface Recheck {

  /** It happened; {@code detail} is recorded as if the attempt had returned {@code Succeeded}. */
  record Done(Map<String, String> detail) implements Recheck {
    public Done {
      detail = Map.copyOf(detail);
    }
  }

  /** It did not happen: attempting again is safe. */
  record NotDone() implements Recheck {}

  /** Cannot tell: the worker attempts again (at-least-once). */
  record Unknown(String why) implements Recheck {}
}
