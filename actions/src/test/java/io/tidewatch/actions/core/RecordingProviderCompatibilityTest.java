package io.tidewatch.actions.core;

import java.util.Map;

/** The kit run against the test provider, which proves the kit itself. */
class RecordingProviderCompatibilityTest extends ActionProviderCompatibilityKit {

  @Override
  protected ActionProvider provider() {
    return new RecordingProvider();
  }

  @Override
  protected Target startTarget() {
    return RecordingTarget.create("kit-" + java.util.UUID.randomUUID());
  }

  @Override
  protected Map<String, Object> settings(Target target) {
    return Map.of("target", ((RecordingTarget) target).name());
  }

  @Override
  protected Map<String, String> environment(Target target, String secret) {
    return Map.of(RecordingProvider.SECRET_VARIABLE, secret);
  }
}
