package io.tidewatch.model.codec;

/**
 * Bytes that do not decode as the record type a topic carries. When the record's coordinates are
 * known (see {@link Codec#decode(org.apache.kafka.clients.consumer.ConsumerRecord)}) the message
 * names topic, partition and offset, so a poison record can be found and sent to a DLQ.
 */
public final class MalformedRecordException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int partition;
  private final long offset;

  MalformedRecordException(
      String topic, int partition, long offset, String reason, Throwable cause) {
    super(describe(topic, partition, offset, reason), cause);
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }

  static MalformedRecordException of(String topic, String reason, Throwable cause) {
    return new MalformedRecordException(topic, -1, -1, reason, cause);
  }

  MalformedRecordException at(int partition, long offset) {
    return new MalformedRecordException(topic, partition, offset, reason(), getCause());
  }

  private String reason() {
    String message = getMessage();
    int colon = message.indexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }

  private static String describe(String topic, int partition, long offset, String reason) {
    String where = partition < 0 ? topic : topic + "-" + partition + "@" + offset;
    return "malformed record on " + where + ": " + reason;
  }

  public String topic() {
    return topic;
  }

  /** The partition, or -1 when decoding happened without record coordinates. */
  public int partition() {
    return partition;
  }

  /** The offset, or -1 when decoding happened without record coordinates. */
  public long offset() {
    return offset;
  }
}
