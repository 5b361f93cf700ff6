package io.tidewatch.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidewatch.rules.Diagnostic;
import io.tidewatch.rules.DiagnosticCode;
import io.tidewatch.rules.SourceSpan;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class JUnitXmlWriterTest {

  private static final SourceSpan SPAN = new SourceSpan("web.test.yaml", 9, 25, 47);

  private static final RuleTestReport REPORT =
      new RuleTestReport(
          List.of(
              new RuleTestFileResult(
                  "web.test.yaml",
                  List.of(),
                  Map.of(),
                  List.of(
                      new RuleTestResult(
                          "web.test.yaml", "passes", Duration.ofMillis(12), List.of()),
                      new RuleTestResult(
                          "web.test.yaml",
                          "fails <on purpose> & \"quotes\"",
                          Duration.ofMillis(3),
                          List.of(
                              new RuleTestFailure(
                                  SPAN,
                                  "expected ALARM at 4m for web-cpu-high{host=a}, got OK",
                                  "web-cpu-high{host=a}: Average per 1m\n  0s → 50.0\n"))))),
              new RuleTestFileResult(
                  "broken.test.yaml",
                  List.of(
                      Diagnostic.of(
                          DiagnosticCode.BAD_VALUE,
                          new SourceSpan("broken.test.yaml", 2, 3, 4),
                          "bad \u0007 value")),
                  Map.of(),
                  List.of())));

  @Test
  void shouldWriteSurefireStyleXmlWhenReportHasPassesFailuresAndErrors() {
    String xml = JUnitXmlWriter.toXml(REPORT);

    assertThat(xml)
        .isEqualTo(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="tidewatch rules test" tests="3" failures="1" errors="1" time="0.015">
              <testsuite name="web.test.yaml" tests="2" failures="1" errors="0" skipped="0" time="0.015">
                <testcase name="passes" classname="web.test.yaml" time="0.012"></testcase>
                <testcase name="fails &lt;on purpose&gt; &amp; &quot;quotes&quot;" classname="web.test.yaml" time="0.003">
                  <failure message="expected ALARM at 4m for web-cpu-high{host=a}, got OK" type="RuleTestFailure">web.test.yaml:9:25: expected ALARM at 4m for web-cpu-high{host=a}, got OK
            web-cpu-high{host=a}: Average per 1m
              0s → 50.0
            </failure>
                </testcase>
              </testsuite>
              <testsuite name="broken.test.yaml" tests="1" failures="0" errors="1" skipped="0" time="0.000">
                <testcase name="(load)" classname="broken.test.yaml" time="0.000">
                  <error message="the file has errors and none of its tests ran" type="RuleTestFileError">broken.test.yaml:2:3: error[R2003]: bad ? value
            </error>
                </testcase>
              </testsuite>
            </testsuites>
            """);
  }

  @Test
  void shouldBeWellFormedXmlWithCountsCiSystemsRead() throws Exception {
    Document document =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(
                new ByteArrayInputStream(
                    JUnitXmlWriter.toXml(REPORT).getBytes(StandardCharsets.UTF_8)));

    Element root = document.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("testsuites");
    assertThat(root.getElementsByTagName("testsuite").getLength()).isEqualTo(2);
    assertThat(root.getElementsByTagName("testcase").getLength()).isEqualTo(3);
    Element failure = (Element) root.getElementsByTagName("failure").item(0);
    assertThat(((Element) failure.getParentNode()).getAttribute("name"))
        .isEqualTo("fails <on purpose> & \"quotes\"");
    assertThat(failure.getAttribute("message"))
        .isEqualTo("expected ALARM at 4m for web-cpu-high{host=a}, got OK");
  }
}
