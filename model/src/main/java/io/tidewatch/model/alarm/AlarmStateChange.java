package io.tidewatch.model.alarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A state change of one alarm instance on {@code tw.alarm-events}, shaped like CloudWatch's
 * EventBridge "CloudWatch Alarm State Change" event so that tools written for it read it too. The
 * envelope's {@code id} is the stable {@code transitionId}: a consumer that sees the same id twice
 * sees the same transition twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlarmStateChange(
    String version,
    String id,
    @JsonProperty("detail-type") String detailType,
    String source,
    Instant time,
    List<String> resources,
    Detail detail) {

  public static final String DETAIL_TYPE = "CloudWatch Alarm State Change";
  public static final String SOURCE = "tidewatch";

  public AlarmStateChange {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(detail, "detail");
    resources = List.copyOf(resources);
  }

  /** Builds the envelope around a detail; the resource is the alarm instance id. */
  public static AlarmStateChange of(String transitionId, Instant time, Detail detail) {
    return new AlarmStateChange(
        "0", transitionId, DETAIL_TYPE, SOURCE, time, List.of(detail.alarmInstance()), detail);
  }

  /** The alarm instance id, also the record key on the topic. */
  public String alarmInstance() {
    return detail.alarmInstance();
  }

  /**
   * @param alarmInstance the instance id, e.g. {@code web-cpu-high{host=a}}; the alarm name when
   *     the alarm has no {@code groupBy}
   * @param instance the groupBy dimension values of this instance (empty without groupBy)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Detail(
      String alarmName,
      String alarmInstance,
      Map<String, String> instance,
      State state,
      State previousState,
      Configuration configuration,
      Map<String, String> labels,
      String runbook) {

    public Detail {
      Objects.requireNonNull(alarmName, "alarmName");
      Objects.requireNonNull(alarmInstance, "alarmInstance");
      Objects.requireNonNull(state, "state");
      instance = instance == null ? Map.of() : Map.copyOf(instance);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /**
   * @param reasonData a JSON document as a string, as CloudWatch sends it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record State(AlarmState value, String reason, String reasonData, Instant timestamp) {
    public State {
      Objects.requireNonNull(value, "value");
    }
  }

  /** What the alarm watches, for readers of the event. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Configuration(
      String description,
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      String statistic,
      long periodSeconds,
      int evaluationPeriods,
      int datapointsToAlarm,
      String comparisonOperator,
      double threshold,
      String treatMissingData) {}
}
