package io.tidewatch.actions.slack;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Slack's posting limit: about one message per second per channel, plus any {@code Retry-After}
 * Slack asked for. {@link #reserve} either takes the channel's next slot or says how long to wait.
 * Channels are known by name until Slack tells us their id; both then map to the same slot.
 */
final class ChannelGate {

  private static final int MAX_CHANNELS = 10_000;

  private final Duration spacing;
  private final Map<String, Instant> next = new HashMap<>();
  private final Map<String, String> ids = new HashMap<>();

  ChannelGate(Duration spacing) {
    this.spacing = spacing;
  }

  synchronized Duration reserve(String channel, Instant now) {
    String key = key(channel);
    Instant free = next.getOrDefault(key, Instant.MIN);
    if (now.isBefore(free)) {
      return Duration.between(now, free);
    }
    if (next.size() >= MAX_CHANNELS) {
      next.values().removeIf(until -> until.isBefore(now));
    }
    next.put(key, now.plus(spacing));
    return Duration.ZERO;
  }

  /** Slack said to wait: no message to this channel before {@code until}. */
  synchronized void block(String channel, Instant until) {
    next.merge(key(channel), until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Slack answered a post to {@code name} with the channel's id. */
  synchronized void learn(String name, String id) {
    if (name != null && id != null && !name.equals(id) && ids.size() < MAX_CHANNELS) {
      ids.put(name, id);
      Instant byName = next.remove(name);
      if (byName != null) {
        next.merge(id, byName, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
  }

  private String key(String channel) {
    return ids.getOrDefault(channel, channel);
  }
}
