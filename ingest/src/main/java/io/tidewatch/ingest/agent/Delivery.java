package io.tidewatch.ingest.agent;

/** What became of one record a {@link Destination} was given. */
sealed interface Delivery {

  Delivery DELIVERED = new Delivered();

  /** The destination took it. */
  record Delivered() implements Delivery {}

  /**
   * The destination will never take it (a 4xx answer, a partial success, a record Kafka refuses):
   * counted as rejected, not sent again.
   *
   * @param reason why, without secrets
   */
  record Refused(String reason) implements Delivery {}

  /**
   * The destination cannot take it now (down, overloaded, asked to retry later): spooled and sent
   * again.
   *
   * @param reason why, without secrets
   */
  record Unreachable(String reason) implements Delivery {}
}
