package io.tidewatch.ingest.parse;

/** No fields: the line is kept as the message, with the ingest time. */
final class RawParser extends GuardedParser {

  private static final Parsed NO_FIELDS = new Parsed(null, FieldMap.empty());

  RawParser(int maxLineBytes) {
    super(maxLineBytes);
  }

  @Override
  ParseResult parseLine(String line) {
    return NO_FIELDS;
  }

  @Override
  public String toString() {
    return "RawParser";
  }
}
