package io.tidewatch.app;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} from the command line. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    Matcher matcher = FORMAT.matcher(value.trim());
    if (!matcher.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration: use a number and a unit, e.g. 500ms, 5s, 2m, 1h, 1d");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
