package io.tidewatch.streams.rules;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * A rule set that Kafka did not take; nothing of it was applied (the transaction is aborted). The
 * message names the first rule whose record failed and why: once one send fails, the producer
 * refuses everything after it with "in an error state", which names neither rule nor cause, so that
 * later error is only the fallback when no send failed by itself.
 */
public final class RulePublishException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient String ruleId;

  private RulePublishException(String ruleId, String message, Throwable cause) {
    super(message, cause);
    this.ruleId = ruleId;
  }

  /** The rule ({@code kind/name}) whose record failed first, if one did. */
  public Optional<String> ruleId() {
    return Optional.ofNullable(ruleId);
  }

  /**
   * @param sent every record sent so far, by rule id, in the order sent
   * @param sizes the serialized size of each upserted record, by rule id
   * @param failure what the producer threw
   */
  static RulePublishException of(
      Map<String, Future<RecordMetadata>> sent,
      Map<String, Integer> sizes,
      KafkaException failure) {
    for (Map.Entry<String, Future<RecordMetadata>> entry : sent.entrySet()) {
      Optional<Throwable> cause = failureOf(entry.getValue());
      if (cause.isPresent()) {
        String id = entry.getKey();
        String why =
            cause.get() instanceof RecordTooLargeException && sizes.containsKey(id)
                ? "its record is "
                    + sizes.get(id)
                    + " bytes, more than Kafka accepts: "
                    + cause.get().getMessage()
                : String.valueOf(cause.get().getMessage());
        return new RulePublishException(
            id, "rule " + id + " was not applied: " + why + "; nothing was applied", cause.get());
      }
    }
    return new RulePublishException(
        null,
        "the rules were not applied: " + failure.getMessage() + "; nothing was applied",
        failure);
  }

  private static Optional<Throwable> failureOf(Future<RecordMetadata> future) {
    if (!future.isDone()) {
      return Optional.empty();
    }
    try {
      future.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
