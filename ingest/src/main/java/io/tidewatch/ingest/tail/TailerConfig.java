package io.tidewatch.ingest.tail;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FileTailer} follows and its limits.
 *
 * @param globs absolute glob patterns ({@code /var/log/nginx/*.log}, {@code ** } crosses folders)
 * @param maxLineBytes longer lines are cut to this many bytes and flagged ({@link
 *     TailedLine#cut()}): memory stays bounded whatever is in the file
 * @param fingerprintBytes how many leading bytes identify a file's content
 * @param scanInterval how often the globs are expanded again and rotations looked for
 * @param rotatedIdle how long a file that left the globs (renamed away or deleted) is kept open at
 *     its end for late writes before it is closed
 */
public record TailerConfig(
    List<String> globs,
    int maxLineBytes,
    int fingerprintBytes,
    Duration scanInterval,
    Duration rotatedIdle) {

  public static final int DEFAULT_FINGERPRINT_BYTES = 256;
  public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ROTATED_IDLE = Duration.ofSeconds(5);

  public TailerConfig {
    globs = List.copyOf(globs);
    if (globs.isEmpty()) {
      throw new IllegalArgumentException("at least one file glob is needed");
    }
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    if (fingerprintBytes < 1) {
      throw new IllegalArgumentException("fingerprintBytes must be positive: " + fingerprintBytes);
    }
    Objects.requireNonNull(scanInterval, "scanInterval");
    Objects.requireNonNull(rotatedIdle, "rotatedIdle");
  }

  /** Defaults for everything but the globs and the line limit. */
  public static TailerConfig of(List<String> globs, int maxLineBytes) {
    return new TailerConfig(
        globs,
        maxLineBytes,
        DEFAULT_FINGERPRINT_BYTES,
        DEFAULT_SCAN_INTERVAL,
        DEFAULT_ROTATED_IDLE);
  }
}
