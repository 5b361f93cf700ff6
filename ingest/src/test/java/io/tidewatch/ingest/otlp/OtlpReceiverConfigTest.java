package io.tidewatch.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OtlpReceiverConfigTest {

  @Test
  void shouldUseOtlpHttpDefaultsWhenNothingIsSet() {
    OtlpReceiverConfig config = OtlpReceiverConfig.defaults();

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(4318);
    assertThat(config.maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(config.attributeFilter()).isEqualTo(AttributeFilter.defaults());
  }

  @Test
  void shouldReportEveryViolationWhenSeveralSettingsAreWrong() {
    assertThatThrownBy(
            () ->
                new OtlpReceiverConfig(
                    " ", 70000, 0, null, 0, Duration.ZERO, null, null, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host: a host name or IP address to listen on. Found: ' '")
        .hasMessageContaining("port: 0..65535 (0 picks a free port). Found: 70000")
        .hasMessageContaining("maxBodyBytes: 1..1073741824. Found: 0")
        .hasMessageContaining("attributeFilter: required")
        .hasMessageContaining("workerThreads: 1..256. Found: 0")
        .hasMessageContaining("ackTimeout: a positive duration. Found: PT0S")
        .hasMessageContaining("logGrouping: required")
        .hasMessageContaining("headerTimeout: a positive duration. Found: null")
        .hasMessageContaining("bodyTimeout: a positive duration. Found: PT0S")
        .hasMessageContaining("maxConnections: 1..4096. Found: 0");
  }

  @Test
  void shouldGroupLogsByServiceNameAndStreamByHostWhenDefaulted() {
    assertThat(OtlpReceiverConfig.defaults().logGrouping())
        .isEqualTo(new LogGrouping("service.name", "otlp", "host.name"));
  }

  @Test
  void shouldReportEveryViolationWhenLogGroupingIsWrong() {
    assertThatThrownBy(() -> new LogGrouping("", " ", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("groupAttribute: a resource attribute key")
        .hasMessageContaining("defaultGroup: 1..512 characters")
        .hasMessageContaining("streamAttribute: a resource attribute key");
  }
}
