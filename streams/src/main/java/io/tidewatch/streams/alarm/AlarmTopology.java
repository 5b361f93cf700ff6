package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.model.metric.MetricBatch;
import io.tidewatch.model.topic.Topic;
import io.tidewatch.model.topic.Topics;
import io.tidewatch.rules.RuleSet;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The alarm topology: {@code tw.metrics} → route each point to the alarm instances watching its
 * series → repartition by alarm instance → aggregate per period and evaluate → {@code
 * tw.alarm-events} (every transition) and {@code tw.alarm-state} (the latest one per instance).
 */
public final class AlarmTopology {

  /**
   * @param evaluationDelay how long after a period's end (plus the alarm's allowed lateness) the
   *     wall clock waits for in-flight data before evaluating without it
   * @param punctuationInterval how often the wall clock is checked for closed periods
   */
  public record Config(
      Topics topics, RuleRegistry rules, Duration evaluationDelay, Duration punctuationInterval) {
    public Config {
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(rules, "rules");
      if (evaluationDelay.isNegative()) {
        throw new IllegalArgumentException(
            "evaluationDelay: must be >= 0. Found: " + evaluationDelay);
      }
      if (punctuationInterval.isNegative() || punctuationInterval.isZero()) {
        throw new IllegalArgumentException(
            "punctuationInterval: must be > 0. Found: " + punctuationInterval);
      }
    }

    public static Config of(Topics topics, RuleRegistry rules) {
      return new Config(topics, rules, Duration.ofSeconds(1), Duration.ofMillis(500));
    }

    /** A fixed rule set, e.g. for tests. */
    public static Config of(Topics topics, RuleSet rules) {
      return of(topics, RuleRegistry.of(rules));
    }
  }

  /** Deserialized values each task keeps between commits, per store (about 1 KiB each). */
  static final int CACHED_PER_TASK = 100_000;

  private AlarmTopology() {}

  /** A series' recent timestamps, eight bytes each. */
  private static Serde<long[]> timestamps() {
    return Serdes.serdeFrom(
        (topic, values) -> {
          if (values == null) {
            return null;
          }
          java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(values.length * Long.BYTES);
          buffer.asLongBuffer().put(values);
          return buffer.array();
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          long[] values = new long[bytes.length / Long.BYTES];
          java.nio.ByteBuffer.wrap(bytes).asLongBuffer().get(values);
          return values;
        });
  }

  public static Topology build(Config config) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<MetricBatch> metrics = config.topics().metrics();
    Topic<AlarmStateChange> events = config.topics().alarmEvents();
    Topic<AlarmStateChange> states = config.topics().alarmState();
    Serde<String> keys = Serdes.String();

    // Both stores are read and replaced for every datapoint: a write-back cache of objects keeps
    // encoding and changelog writes to one per key and commit.
    builder.addStateStore(
        WriteBackStore.builder(
            Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(AlarmRouter.RECENT_STORE), keys, timestamps())
                .withCachingDisabled(),
            CACHED_PER_TASK));
    builder.addStateStore(
        WriteBackStore.builder(
            Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(AlarmEvaluatorProcessor.STORE),
                    keys,
                    AlarmInstanceStateSerde.serde())
                .withCachingDisabled(),
            CACHED_PER_TASK));
    InstanceCensus census = new InstanceCensus();

    KStream<String, AlarmStateChange> changes =
        builder.stream(
                metrics.name(),
                Consumed.with(keys, metrics.codec().serde()).withName("metrics-source"))
            .process(
                () -> new AlarmRouter(config.rules(), config.punctuationInterval()),
                Named.as("alarm-router"),
                AlarmRouter.RECENT_STORE)
            .repartition(
                Repartitioned.with(keys, AlarmDatapointSerde.serde()).withName("alarm-datapoints"))
            .process(
                () ->
                    new AlarmEvaluatorProcessor(
                        config.rules(),
                        config.evaluationDelay(),
                        config.punctuationInterval(),
                        census),
                Named.as("alarm-evaluator"),
                AlarmEvaluatorProcessor.STORE);

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CompositeEvaluatorProcessor.STORE),
                keys,
                JsonSerde.of(CompositeState.class))
            .withCachingDisabled());
    KStream<String, AlarmStateChange> compositeChanges =
        builder.stream(
                states.name(),
                Consumed.with(keys, states.codec().serde()).withName("alarm-state-source"))
            .process(() -> new CompositeRouter(config.rules()), Named.as("composite-router"))
            .repartition(
                Repartitioned.with(keys, JsonSerde.of(CompositeInput.class))
                    .withName("composite-inputs"))
            .process(
                () -> new CompositeEvaluatorProcessor(config.rules()),
                Named.as("composite-evaluator"),
                CompositeEvaluatorProcessor.STORE);
    compositeChanges.to(
        events.name(),
        Produced.with(keys, events.codec().serde()).withName("composite-events-sink"));
    compositeChanges.to(
        states.name(),
        Produced.with(keys, states.codec().serde()).withName("composite-state-sink"));

    changes
        .filter((instance, change) -> change != null, Named.as("transitions-only"))
        .to(
            events.name(),
            Produced.with(keys, events.codec().serde()).withName("alarm-events-sink"));
    changes.to(
        states.name(), Produced.with(keys, states.codec().serde()).withName("alarm-state-sink"));
    return builder.build();
  }
}
