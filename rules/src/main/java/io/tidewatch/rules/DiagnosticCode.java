package io.tidewatch.rules;

/**
 * Stable codes for everything the loader reports, so that tests and tooling match codes rather than
 * message text. Codes never change meaning; new problems get new codes.
 *
 * <p>R1xxx: the YAML itself. R2xxx: one value or key against the schema. R3xxx: names and
 * references across the directory. R4xxx: secrets. R5xxx: resource limits. Wxxxx: warnings.
 */
public enum DiagnosticCode {
  /** Not well-formed YAML, or more than one document in a file. */
  YAML_SYNTAX("R1001"),
  /** The same key twice in one mapping. */
  DUPLICATE_KEY("R1002"),
  /** An explicit tag other than the standard str/int/float/bool/null/seq/map ones. */
  UNSUPPORTED_TAG("R1003"),
  /** The file or directory cannot be read, or is not UTF-8. */
  UNREADABLE("R1004"),
  /** The file holds no document. */
  EMPTY_FILE("R1005"),
  /** A key that is not valid in its mapping; the message suggests the nearest valid one. */
  UNKNOWN_KEY("R2001"),
  /** A value of the wrong kind, e.g. a string where a number or a list is expected. */
  WRONG_TYPE("R2002"),
  /** A value of the right kind that is not allowed, e.g. an unknown statistic or a bad period. */
  BAD_VALUE("R2003"),
  /** A required key is absent. */
  MISSING_KEY("R2004"),
  /** A recognised feature that is not implemented yet (a rule test's {@code logs}). */
  NOT_SUPPORTED_YET("R2005"),
  /**
   * A value of the right form outside its allowed range, e.g. a {@code period} above one day or a
   * duration with more digits than any sensible value has.
   */
  OUT_OF_RANGE("R2006"),
  /** A reference to an action (or alarm) that no file defines. */
  UNDEFINED_REFERENCE("R3001"),
  /** A name defined twice in the directory. */
  DUPLICATE_NAME("R3002"),
  /** Composite alarms that depend on themselves through each other. */
  REFERENCE_CYCLE("R3003"),
  /** Something that looks like a credential; secrets come from the environment, never rules. */
  SECRET_LITERAL("R4001"),
  /** A file over the size limit, or aliases that expand beyond reason ("billion laughs"). */
  TOO_LARGE("R5001"),
  /** A string (a name, a matcher, any value) longer than its limit. */
  TOO_LONG("R5002"),
  /** A section of RULES.md that this version recognises but does not evaluate yet. */
  UNSUPPORTED_SECTION("W1001"),
  /**
   * A percentile statistic: accepted, but not computed until the sketch work lands.
   *
   * @deprecated no longer reported: percentiles are computed from sketches ({@link
   *     io.tidewatch.rules.alarm.PercentileSketch}); kept so that the code keeps its meaning
   */
  @Deprecated
  PERCENTILE_NOT_COMPUTED_YET("W1002");

  private final String code;

  DiagnosticCode(String code) {
    this.code = code;
  }

  /** The stable code, e.g. {@code R2003}. */
  public String code() {
    return code;
  }

  /** W-codes are warnings, everything else is an error. */
  public Severity severity() {
    return code.startsWith("W") ? Severity.WARNING : Severity.ERROR;
  }
}
