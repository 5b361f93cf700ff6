package io.tidewatch.ingest.otlp;

/**
 * The longest names and values the OTLP receivers take. A data point or log record with a longer
 * one is refused on its own (OTLP partial success, counted by reason) before anything is written:
 * sent again it would be refused again, and written it could make a Kafka record larger than the
 * broker takes. The metric limits are CloudWatch's (metric and dimension names 255 characters,
 * dimension values 1024); a log record may carry more.
 */
final class FieldLimits {

  /**
   * A metric's name and unit, and its namespace (from {@code service.namespace} or its stand-in).
   */
  static final int MAX_NAME_CHARS = 255;

  /** An attribute's key, of a resource, a data point or a log record. */
  static final int MAX_ATTRIBUTE_KEY_CHARS = 255;

  /** A metric attribute's value as text: a dimension value. */
  static final int MAX_DIMENSION_VALUE_CHARS = 1024;

  /** A log record attribute's value as text (a stack trace fits). */
  static final int MAX_LOG_ATTRIBUTE_VALUE_CHARS = 64 * 1024;

  /** A log record's body as text. */
  static final int MAX_LOG_BODY_CHARS = 256 * 1024;

  /** How much of a refused name or key the partial-success message quotes. */
  private static final int QUOTED_CHARS = 64;

  private FieldLimits() {}

  /**
   * What is wrong with the first attribute that is too long, or null.
   *
   * @param texts keys and value texts, alternating ({@link SeriesCatalog#texts})
   */
  static String attributeProblem(String[] texts, int maxValueChars) {
    for (int i = 0; i + 1 < texts.length; i += 2) {
      String problem = attributeProblem(texts[i], texts[i + 1], maxValueChars);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** What is wrong with this attribute, or null. */
  static String attributeProblem(String key, String value, int maxValueChars) {
    if (key.length() > MAX_ATTRIBUTE_KEY_CHARS) {
      return tooLong("attribute key " + quoted(key), key, MAX_ATTRIBUTE_KEY_CHARS);
    }
    if (value.length() > maxValueChars) {
      return tooLong("the value of attribute " + quoted(key), value, maxValueChars);
    }
    return null;
  }

  /** {@code what has N characters, more than the limit of M}. */
  static String tooLong(String what, String text, int limit) {
    return what + " has " + text.length() + " characters, more than the limit of " + limit;
  }

  /** {@code 'text'}, cut to its first 64 characters. */
  static String quoted(String text) {
    return "'"
        + (text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "…")
        + "'";
  }
}
