package io.tidewatch.ingest.tail;

import java.util.Objects;

/**
 * Which file a position belongs to: the file system's key (device and inode on Linux), which
 * survives a rename, plus the {@link Fingerprint} of its first bytes, which tells a reused inode or
 * a truncated and rewritten file from the content that was read.
 */
public record FileIdentity(String fileKey, Fingerprint fingerprint) {

  public FileIdentity {
    Objects.requireNonNull(fileKey, "fileKey");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }
}
