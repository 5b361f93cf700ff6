package io.tidewatch.ingest.connect;

/** The version Connect shows for the connector: the jar's, or {@code dev} from classes. */
final class Versions {

  private Versions() {}

  static String current() {
    String version = Versions.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
