package io.tidewatch.actions.slack;

import io.tidewatch.actions.core.ActionProvider;
import io.tidewatch.actions.core.ActionProviderCompatibilityKit;
import java.util.Map;

/** The Slack provider passes the compatibility kit against the local Slack Web API. */
class SlackProviderCompatibilityTest extends ActionProviderCompatibilityKit {

  @Override
  protected ActionProvider provider() {
    return new SlackProvider();
  }

  @Override
  protected Target startTarget() throws Exception {
    return FakeSlack.start();
  }

  @Override
  protected Map<String, Object> settings(Target target) {
    return Map.of("channel", "#ops-alerts");
  }

  @Override
  protected Map<String, String> environment(Target target, String secret) {
    return Map.of(
        SlackProvider.TOKEN_VARIABLE,
        secret,
        SlackProvider.API_URL_VARIABLE,
        ((FakeSlack) target).apiUrl());
  }
}
