package io.tidewatch.model.topic;

import io.tidewatch.model.codec.Codec;
import java.util.Objects;

/**
 * A Tidewatch topic: its name and how its values are encoded. Keys are always UTF-8 strings (series
 * id, log group, rule id, alarm instance id, action key).
 */
public record Topic<V>(String name, Codec<V> codec) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(codec, "codec");
  }
}
