package io.tidewatch.actions.core;

import io.tidewatch.rules.ActionDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A provider for tests ({@code type: recorder, target: NAME}): its side effect is a call recorded
 * by the {@link RecordingTarget} of that name. Reads its secret from {@code RECORDER_TOKEN}.
 */
public class RecordingProvider implements ActionProvider {

  public static final String TYPE = "recorder";
  public static final String SECRET_VARIABLE = "RECORDER_TOKEN";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> validate(Map<String, Object> settings) {
    List<String> problems = new ArrayList<>();
    Object target = settings.get("target");
    if (!(target instanceof String)) {
      problems.add("target: the name of a RecordingTarget. Found: " + target);
    }
    for (String key : settings.keySet()) {
      if (!key.equals("target")) {
        problems.add(key + ": unknown setting (known: target). Found: " + key);
      }
    }
    return problems;
  }

  @Override
  public ActionExecutor executor(ActionDefinition definition, ProviderContext context) {
    String name = (String) definition.settings().get("target");
    RecordingTarget target =
        RecordingTarget.find(name)
            .orElseThrow(() -> new IllegalArgumentException("no recording target " + name));
    String secret = context.env(SECRET_VARIABLE).orElse("");
    return new ActionExecutor() {
      @Override
      public ActionResult execute(ActionRequest request) {
        return target.call(request, secret);
      }

      @Override
      public ActionResult.Planned plan(ActionRequest request) {
        String plan = "record a call on " + name + " for " + request.event().alarmInstance();
        target.plan(plan);
        return new ActionResult.Planned(Map.of("plan", plan));
      }

      @Override
      public Recheck recheck(ActionRequest request) {
        return target.happened(request.actionKey())
            ? new Recheck.Done(Map.of("target", name))
            : new Recheck.NotDone();
      }

      @Override
      public String toString() {
        return "recorder(" + name + ")";
      }
    };
  }

  /** The same provider under a second type, to show that providers do not wait for each other. */
  public static final class Second extends RecordingProvider {
    public static final String TYPE = "recorder-b";

    @Override
    public String type() {
      return TYPE;
    }
  }
}
