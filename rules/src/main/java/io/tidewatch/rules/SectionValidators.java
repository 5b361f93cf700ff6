package io.tidewatch.rules;

import java.util.List;
import java.util.ServiceLoader;

/** The {@link SectionValidator}s on the class path, looked up once. */
final class SectionValidators {

  private static final List<SectionValidator> ALL =
      ServiceLoader.load(SectionValidator.class).stream().map(ServiceLoader.Provider::get).toList();

  private SectionValidators() {}

  static List<SectionValidator> forSection(String section) {
    return ALL.stream().filter(validator -> validator.section().equals(section)).toList();
  }
}
