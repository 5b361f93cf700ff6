package io.tidewatch.rules.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a {@link RuleTestReport} as JUnit XML ({@code tidewatch rules test --junit FILE}), the
 * surefire-style schema CI systems read: {@code <testsuites>} with one {@code <testsuite>} per
 * rule-test file, one {@code <testcase>} per test ({@code classname} = the file), a {@code
 * <failure>} per unmet expectation (its message as {@code message}, what the alarm saw as text). A
 * file that could not run because of errors is one {@code <testcase name="(load)">} with an {@code
 * <error>} holding the rendered diagnostics.
 */
public final class JUnitXmlWriter {

  private JUnitXmlWriter() {}

  public static void write(RuleTestReport report, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(toXml(report).getBytes(StandardCharsets.UTF_8));
    }
  }

  public static String toXml(RuleTestReport report) {
    StringWriter out = new StringWriter();
    write(report, out);
    return out.toString();
  }

  public static void write(RuleTestReport report, Writer writer) {
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(writer);
      xml.writeStartDocument("UTF-8", "1.0");
      newline(xml, 0);
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "tidewatch rules test");
      xml.writeAttribute("tests", String.valueOf(tests(report)));
      xml.writeAttribute("failures", String.valueOf(report.failedCount()));
      xml.writeAttribute("errors", String.valueOf(report.errorCount()));
      xml.writeAttribute("time", seconds(total(report)));
      for (RuleTestFileResult file : report.files()) {
        newline(xml, 1);
        suite(xml, file);
      }
      newline(xml, 0);
      xml.writeEndElement();
      newline(xml, 0);
      xml.writeEndDocument();
      xml.flush();
    } catch (XMLStreamException e) {
      throw new UncheckedIOException(new IOException("cannot write the JUnit report", e));
    }
  }

  private static void suite(XMLStreamWriter xml, RuleTestFileResult file)
      throws XMLStreamException {
    long failures = file.tests().stream().filter(test -> !test.passed()).count();
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", legal(file.file()));
    xml.writeAttribute("tests", String.valueOf(file.hasErrors() ? 1 : file.tests().size()));
    xml.writeAttribute("failures", String.valueOf(failures));
    xml.writeAttribute("errors", file.hasErrors() ? "1" : "0");
    xml.writeAttribute("skipped", "0");
    xml.writeAttribute(
        "time",
        seconds(
            file.tests().stream().map(RuleTestResult::time).reduce(Duration.ZERO, Duration::plus)));
    if (file.hasErrors()) {
      newline(xml, 2);
      xml.writeStartElement("testcase");
      xml.writeAttribute("name", "(load)");
      xml.writeAttribute("classname", legal(file.file()));
      xml.writeAttribute("time", "0.000");
      newline(xml, 3);
      xml.writeStartElement("error");
      xml.writeAttribute("message", "the file has errors and none of its tests ran");
      xml.writeAttribute("type", "RuleTestFileError");
      xml.writeCharacters(legal(file.renderDiagnostics()));
      xml.writeEndElement();
      newline(xml, 2);
      xml.writeEndElement();
    }
    for (RuleTestResult test : file.tests()) {
      newline(xml, 2);
      xml.writeStartElement("testcase");
      xml.writeAttribute("name", legal(test.name()));
      xml.writeAttribute("classname", legal(file.file()));
      xml.writeAttribute("time", seconds(test.time()));
      for (RuleTestFailure failure : test.failures()) {
        newline(xml, 3);
        xml.writeStartElement("failure");
        xml.writeAttribute("message", legal(failure.message()));
        xml.writeAttribute("type", "RuleTestFailure");
        xml.writeCharacters(
            legal(failure.span().location() + ": " + failure.message() + "\n" + failure.details()));
        xml.writeEndElement();
      }
      if (!test.failures().isEmpty()) {
        newline(xml, 2);
      }
      xml.writeEndElement();
    }
    newline(xml, 1);
    xml.writeEndElement();
  }

  private static long tests(RuleTestReport report) {
    return report.files().stream()
        .mapToLong(file -> file.hasErrors() ? 1 : file.tests().size())
        .sum();
  }

  private static Duration total(RuleTestReport report) {
    return report.tests().stream().map(RuleTestResult::time).reduce(Duration.ZERO, Duration::plus);
  }

  private static String seconds(Duration time) {
    return String.format(Locale.ROOT, "%.3f", time.toMillis() / 1000.0);
  }

  /** XML 1.0 cannot hold most control characters, even escaped: they become '?'. */
  private static String legal(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              boolean allowed =
                  c == '\t'
                      || c == '\n'
                      || c == '\r'
                      || (c >= 0x20 && c <= 0xD7FF)
                      || (c >= 0xE000 && c <= 0xFFFD)
                      || c >= 0x10000;
              out.appendCodePoint(allowed ? c : '?');
            });
    return out.toString();
  }

  private static void newline(XMLStreamWriter xml, int depth) throws XMLStreamException {
    xml.writeCharacters("\n" + "  ".repeat(depth));
  }
}
