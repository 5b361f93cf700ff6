package io.tidewatch.app;

import picocli.CommandLine;

/** The version from the jar manifest ({@code dev} when run from classes). */
final class TidewatchVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Tidewatch.class.getPackage().getImplementationVersion();
    return new String[] {"tidewatch " + (version == null ? "dev" : version)};
  }
}
