package io.tidewatch.streams.alarm;

import io.tidewatch.model.alarm.AlarmState;
import io.tidewatch.model.alarm.AlarmStateChange;
import io.tidewatch.rules.AlarmRule;
import io.tidewatch.rules.Statistic;
import io.tidewatch.rules.alarm.Aggregate;
import io.tidewatch.rules.alarm.AlarmDatapoints;
import io.tidewatch.rules.alarm.AlarmEvaluator;
import io.tidewatch.rules.alarm.Evaluation;
import io.tidewatch.rules.alarm.PeriodDatapoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates the datapoints of each alarm instance per period and evaluates the alarm when a period
 * closes: when stream time passes the period end plus the alarm's allowed lateness, or when
 * wall-clock time passes it plus the lateness and the evaluation delay, even if no data arrived —
 * that is how a silent agent is noticed. The engine owns its timing (Processor API and a wall-clock
 * punctuator) instead of relying on windowed-aggregation emission, which Kafka Streams throttles.
 *
 * <p>A metric-math alarm aggregates each of its metrics per period (the router tags each datapoint
 * with its metric id, {@link AlarmInputHeader}); its datapoints are the expression over those
 * aggregates, computed by {@link AlarmDatapoints}, as in {@code rules test}. A new instance beyond
 * the alarm's {@code maxInstances} is not created ({@link InstanceCensus}).
 *
 * <p>Lifetime (RULES.md section 2): an alarm without {@code groupBy} is created when the router
 * announces it ({@link AlarmExistence}), from the period its rules were applied in, and is
 * evaluated at every period close from then on, data or not; a {@code groupBy} instance is created
 * by its first datapoint. The first datapoint of an announced instance to which nothing happened
 * yet (no datapoint, no transition: its evaluations kept the initial state and emitted nothing)
 * starts it from the datapoint's own period if that is earlier, as it would have started an
 * instance it created: data from before the apply, or read from a backlog after it, is not lost as
 * late. An instance whose alarm the rules no longer define (or whose {@code groupBy} changed) is
 * deleted on the next punctuation, with a tombstone on {@code tw.alarm-state}; one in ALARM first
 * gets a closing OK event, "alarm removed while in ALARM", so that a notified page is resolved.
 *
 * <p>Stream time is the newest datapoint time seen by this task, but never later than the time each
 * datapoint's record was written to Kafka nor than the wall clock ({@link #vouchedTime}). A
 * datapoint stamped ahead by a skewed clock is held in its own period (counted as {@code
 * future-datapoints-held}) until the wall clock reaches it, and closes no period early, its
 * instance's or another's: the on-time data goes on deciding. One stamped more than {@link
 * #FUTURE_TOLERANCE} ahead of the wall clock is dropped.
 */
final class AlarmEvaluatorProcessor
    implements Processor<String, AlarmDatapoint, String, AlarmStateChange> {

  static final String STORE = "alarm-instances";
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
  static final Duration BACKLOG_TOLERANCE = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(AlarmEvaluatorProcessor.class);

  private final RuleRegistry rules;
  private final Duration evaluationDelay;
  private final Duration punctuationInterval;
  private ProcessorContext<String, AlarmStateChange> context;
  private KeyValueStore<String, AlarmInstanceState> store;
  private long streamTime = Long.MIN_VALUE;
  private long lastRecordAt = Long.MIN_VALUE;
  private org.apache.kafka.common.metrics.Sensor lateDropped;
  private org.apache.kafka.common.metrics.Sensor futureDropped;
  private org.apache.kafka.common.metrics.Sensor futureHeld;
  private org.apache.kafka.common.metrics.Sensor overLimit;
  private final DueIndex due = new DueIndex();
  private AlarmCatalog indexedFor;

  /**
   * The rules in force before {@link #indexedFor}: what a removed alarm was, for its last event.
   */
  private AlarmCatalog retired;

  private final InstanceCensus census;
  private final InstanceCensus.Share share;

  AlarmEvaluatorProcessor(
      RuleRegistry rules,
      Duration evaluationDelay,
      Duration punctuationInterval,
      InstanceCensus census) {
    this.rules = rules;
    this.evaluationDelay = evaluationDelay;
    this.punctuationInterval = punctuationInterval;
    this.census = census;
    this.share = census.share();
  }

  @Override
  public void init(ProcessorContext<String, AlarmStateChange> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.lateDropped = DiscardSensors.of(context, "late-datapoints-dropped");
    this.futureDropped = DiscardSensors.of(context, "future-datapoints-dropped");
    this.futureHeld = DiscardSensors.of(context, "future-datapoints-held");
    this.overLimit = DiscardSensors.of(context, InstanceCensus.SENSOR);
    // The store is restored before processors start: count this task's instances toward the limits
    // (afresh: a revived task initializes the same processor again).
    share.release();
    try (KeyValueIterator<String, AlarmInstanceState> all = store.all()) {
      while (all.hasNext()) {
        share.add(all.next().value.rule());
      }
    }
    context.schedule(punctuationInterval, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  /**
   * Rebuilds the due index from the store: when the task starts and when the rules change (a
   * removed rule's instances become due at once, to be tombstoned; a changed period moves them).
   */
  private void reindex(AlarmCatalog catalog) {
    due.clear();
    try (KeyValueIterator<String, AlarmInstanceState> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, AlarmInstanceState> instance = all.next();
        Optional<AlarmRule> rule = ruleOf(catalog, instance.value);
        due.schedule(
            instance.key, rule.map(r -> nextDue(r, instance.value)).orElse(Long.MIN_VALUE));
      }
    }
    retired = indexedFor;
    indexedFor = catalog;
  }

  /**
   * The rule an instance belongs to, or empty when the rules no longer define it: its alarm was
   * removed, or its {@code groupBy} changed (the instance's dimensions no longer name one of its
   * instances).
   */
  private static Optional<AlarmRule> ruleOf(AlarmCatalog catalog, AlarmInstanceState state) {
    return catalog
        .rule(state.rule())
        .filter(rule -> state.instance().keySet().equals(Set.copyOf(rule.groupBy())));
  }

  /** The wall-clock time at which the instance's next period must be evaluated without data. */
  private long nextDue(AlarmRule rule, AlarmInstanceState state) {
    return state.lastEvaluatedEndMillis()
        + rule.period().toMillis()
        + lateness(rule)
        + evaluationDelay.toMillis();
  }

  private void save(String key, AlarmRule rule, AlarmInstanceState state) {
    store.put(key, state);
    due.schedule(key, nextDue(rule, state));
  }

  @Override
  public void process(Record<String, AlarmDatapoint> record) {
    AlarmDatapoint datapoint = record.value();
    if (datapoint == null) {
      return;
    }
    if (AlarmExistence.is(record)) {
      exists(record.key(), datapoint);
      return;
    }
    AlarmCatalog catalog = rules.current();
    Optional<AlarmRule> found = catalog.rule(datapoint.rule());
    if (found.isEmpty()) {
      return; // the rule was removed while its datapoints were in flight
    }
    AlarmRule rule = found.get();
    long now = context.currentSystemTimeMs();
    long timestamp = datapoint.timestampMillis();
    if (timestamp > now + FUTURE_TOLERANCE.toMillis()) {
      LOG.debug("dropping datapoint of {} from the future: {}", record.key(), timestamp);
      futureDropped.record();
      return;
    }
    long vouched = vouchedTime(record, now);
    streamTime = Math.max(streamTime, Math.min(timestamp, vouched));
    lastRecordAt = now;

    String input = AlarmInputHeader.of(record);
    Optional<Statistic> statistic = statisticOf(rule, input);
    if (statistic.isEmpty()) {
      return; // the alarm's metric math changed while this datapoint was in flight
    }
    long period = rule.period().toMillis();
    long periodStart = Math.floorDiv(timestamp, period) * period;
    long periodEnd = periodStart + period;
    long openPeriodStart = Math.floorDiv(Math.min(timestamp, vouched), period) * period;
    AlarmInstanceState state =
        current(record.key(), rule, catalog.fingerprint(rule), datapoint, openPeriodStart, now);
    if (state == null) {
      return; // a new instance beyond the alarm's maxInstances: counted, not evaluated
    }
    if (state.untouched() && openPeriodStart < state.lastEvaluatedEndMillis()) {
      // Announced, but nothing seen or emitted yet: its first datapoint starts it from its own
      // period, as it starts an instance it creates; no evaluation so far said anything.
      state = state.evaluated(openPeriodStart);
    }
    if (periodStart > vouched) {
      LOG.debug("holding datapoint of {} stamped ahead of the clock: {}", record.key(), timestamp);
      futureHeld.record();
    }

    boolean alreadyEvaluated = periodEnd <= state.lastEvaluatedEndMillis();
    if (alreadyEvaluated && now > periodEnd + lateness(rule) + evaluationDelay.toMillis()) {
      LOG.debug("late datapoint for {} beyond allowed lateness: {}", record.key(), timestamp);
      lateDropped.record();
      return;
    }
    state =
        state.withAggregates(
            input,
            withSample(state.aggregatesOf(input), periodStart, datapoint.sample(statistic.get())));
    if (alreadyEvaluated) {
      // Late but within the allowed lateness: evaluate the last period again; it may correct it.
      state = evaluateAt(record.key(), rule, state, state.lastEvaluatedEndMillis(), now);
    }
    save(record.key(), rule, evaluateDue(record.key(), rule, state, now));
  }

  /**
   * Creates an alarm without {@code groupBy} that the router announced ({@link AlarmExistence}),
   * evaluated from the period its rules were applied in (the announcement's timestamp, never later
   * than now). The announcement carries no sample and moves no clock. An instance that exists
   * already (announced before, or created by its data) is kept.
   */
  private void exists(String key, AlarmDatapoint announcement) {
    AlarmCatalog catalog = rules.current();
    Optional<AlarmRule> found = catalog.rule(announcement.rule());
    if (found.isEmpty() || !found.get().groupBy().isEmpty() || store.get(key) != null) {
      return; // removed or given a groupBy since it was announced, or known already
    }
    AlarmRule rule = found.get();
    if (!share.admit(rule.name(), rule.maxInstances())) {
      overLimit.record();
      return;
    }
    long now = context.currentSystemTimeMs();
    long period = rule.period().toMillis();
    long created = Math.floorDiv(Math.min(announcement.timestampMillis(), now), period) * period;
    LOG.debug("{} exists from {}", key, Instant.ofEpochMilli(created));
    save(
        key,
        rule,
        AlarmInstanceState.fresh(rule.name(), catalog.fingerprint(rule), Map.of(), created));
  }

  /**
   * The latest time a datapoint can vouch for, whatever it is stamped with: when its record was
   * written to Kafka (the receiver's clock, for OTLP) and no later than this processor's wall
   * clock. While working through a backlog the wall clock is far ahead; the record time still keeps
   * a point stamped minutes ahead from closing periods whose data is yet to be read.
   */
  private static long vouchedTime(Record<?, ?> record, long now) {
    return Math.min(record.timestamp(), now);
  }

  /**
   * The instance's state, a fresh one for a new instance, or null when a new instance would exceed
   * the alarm's {@link AlarmRule#maxInstances()}: its datapoint is counted and the limit reported
   * (once per alarm and limit).
   *
   * @param openPeriodStart the start of the period a new instance is evaluated from: that of its
   *     first datapoint, or the current one when that datapoint is stamped ahead of the clock
   */
  private AlarmInstanceState current(
      String key,
      AlarmRule rule,
      String fingerprint,
      AlarmDatapoint datapoint,
      long openPeriodStart,
      long now) {
    AlarmInstanceState state = store.get(key);
    if (state == null) {
      if (!share.admit(rule.name(), rule.maxInstances())) {
        overLimit.record();
        if (census.firstRefusal(rule.name(), rule.maxInstances())) {
          LOG.warn(
              "alarm '{}' reached its limit of {} instances; {} and further new instances are not"
                  + " evaluated",
              rule.name(),
              rule.maxInstances(),
              key);
          context.forward(
              new Record<>(
                  CardinalityLimitEvent.instanceId(rule.name()),
                  CardinalityLimitEvent.of(rule, key, Instant.ofEpochMilli(now)),
                  now));
        }
        return null;
      }
      return AlarmInstanceState.fresh(
          rule.name(), fingerprint, datapoint.instance(), openPeriodStart);
    }
    return fingerprint.equals(state.ruleFingerprint()) ? state : state.forRule(fingerprint);
  }

  /** The statistic an input aggregates for, or empty when it is no longer an input of the rule. */
  private static Optional<Statistic> statisticOf(AlarmRule rule, String input) {
    try {
      return Optional.of(AlarmDatapoints.statisticOf(rule, input));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    share.release();
  }

  private static NavigableMap<Long, Aggregate> withSample(
      NavigableMap<Long, Aggregate> periods, long periodStart, Aggregate sample) {
    NavigableMap<Long, Aggregate> updated = new TreeMap<>(periods);
    updated.merge(periodStart, sample, Aggregate::merge);
    return updated;
  }

  private void onWallClock(long now) {
    AlarmCatalog catalog = rules.current();
    if (catalog != indexedFor) {
      reindex(catalog);
    }
    for (String key : due.takeDue(now)) {
      AlarmInstanceState state = store.get(key);
      if (state == null) {
        continue;
      }
      Optional<AlarmRule> rule = ruleOf(catalog, state);
      if (rule.isEmpty()) {
        remove(key, state, catalog, now);
        continue;
      }
      String fingerprint = catalog.fingerprint(rule.get());
      AlarmInstanceState current =
          fingerprint.equals(state.ruleFingerprint()) ? state : state.forRule(fingerprint);
      save(key, rule.get(), evaluateDue(key, rule.get(), current, now));
    }
  }

  /**
   * Deletes an instance the rules no longer define, with a tombstone on {@code tw.alarm-state}. One
   * in ALARM first gets a closing event to OK, "alarm removed while in ALARM": the notifier
   * resolves what it paged for the instance (an OK transition resolves every firing notification of
   * it), and no action of the removed alarm runs for it. The event describes the alarm as it was
   * defined before the change, when this task saw that definition.
   */
  private void remove(String key, AlarmInstanceState state, AlarmCatalog catalog, long now) {
    store.delete(key);
    share.remove(state.rule());
    if (state.state() == AlarmState.ALARM) {
      Optional<AlarmRule> was =
          Optional.ofNullable(retired)
              .flatMap(previous -> previous.rule(state.rule()))
              .or(() -> catalog.rule(state.rule()));
      AlarmStateChange closing =
          AlarmEvents.removed(
              transitionId(key + "\u0000removed", state.lastEvaluatedEndMillis(), AlarmState.OK),
              key,
              was,
              state,
              Instant.ofEpochMilli(now));
      context.forward(new Record<>(key, closing, now));
      LOG.info("{} removed while in ALARM: closing event sent", key);
    }
    context.forward(new Record<>(key, null, now)); // tombstone in tw.alarm-state
  }

  /**
   * Evaluates every period that has closed since the last evaluation (at most one range's worth).
   */
  private AlarmInstanceState evaluateDue(
      String key, AlarmRule rule, AlarmInstanceState state, long now) {
    long period = rule.period().toMillis();
    long byStreamTime = streamTime == Long.MIN_VALUE ? Long.MIN_VALUE : streamTime - lateness(rule);
    long byWallClock = now - lateness(rule) - evaluationDelay.toMillis();
    long closedBy = catchingUp(now) ? byStreamTime : Math.max(byStreamTime, byWallClock);
    long latestEnd = Math.floorDiv(closedBy, period) * period;
    if (latestEnd <= state.lastEvaluatedEndMillis()) {
      return state;
    }
    long range = (long) rule.evaluationRange() * period;
    long firstEnd = Math.max(state.lastEvaluatedEndMillis() + period, latestEnd - range);
    AlarmInstanceState evaluated = state;
    for (long end = firstEnd; end <= latestEnd; end += period) {
      evaluated = evaluateAt(key, rule, evaluated, end, now);
    }
    return evaluated.pruned(latestEnd - range);
  }

  private AlarmInstanceState evaluateAt(
      String key, AlarmRule rule, AlarmInstanceState state, long periodEnd, long now) {
    long period = rule.period().toMillis();
    long first = periodEnd - rule.evaluationRange() * period;
    List<Double> values = AlarmDatapoints.between(rule, state.aggregates(rule), first, periodEnd);
    if (rule.hasAnomalyBand() && periodEnd > state.lastEvaluatedEndMillis()) {
      state = state.learned(rule.anomalyBand(), periodEnd - period, values.get(values.size() - 1));
    }
    List<PeriodDatapoint> range = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      long start = first + i * period;
      range.add(
          new PeriodDatapoint(
              Instant.ofEpochMilli(start), values.get(i), state.bands().get(start)));
    }
    Evaluation evaluation =
        AlarmEvaluator.evaluate(rule, range, state.state(), Instant.ofEpochMilli(now));
    AlarmInstanceState evaluated =
        state.evaluated(Math.max(periodEnd, state.lastEvaluatedEndMillis()));
    if (evaluation.state() == state.state()) {
      return evaluated;
    }
    AlarmStateChange change =
        AlarmEvents.stateChange(
            transitionId(key, periodEnd, evaluation.state()),
            key,
            rule,
            state,
            evaluation,
            Instant.ofEpochMilli(now));
    context.forward(new Record<>(key, change, now));
    LOG.debug("{} {} -> {}: {}", key, state.state(), evaluation.state(), evaluation.reason());
    return evaluated.transitioned(
        evaluation.state(), evaluation.reason(), evaluation.reasonDataJson(), now);
  }

  /**
   * Whether this task is working through a backlog: records keep arriving but their event times are
   * well behind the wall clock (after a restart, or under load). Then only stream time closes
   * periods; the wall clock would close them before their data, still in the backlog, is read.
   */
  private boolean catchingUp(long now) {
    return lastRecordAt != Long.MIN_VALUE
        && now - lastRecordAt <= BACKLOG_TOLERANCE.toMillis()
        && streamTime < now - evaluationDelay.toMillis() - BACKLOG_TOLERANCE.toMillis();
  }

  private static long lateness(AlarmRule rule) {
    return rule.allowedLateness().toMillis();
  }

  /** {@code hash(alarm instance, period end, new state)}: the same transition always has one id. */
  static String transitionId(String instanceId, long periodEnd, AlarmState state) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] digest =
          sha256.digest(
              (instanceId + '\u0000' + periodEnd + '\u0000' + state)
                  .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
