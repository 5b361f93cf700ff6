package io.tidewatch.ingest.tail;

import java.util.Arrays;
import java.util.Base64;

/**
 * The first bytes of a file: what tells a file's content apart from another's when an inode is
 * reused or a file is truncated and rewritten, and what recognises the copy {@code copytruncate}
 * makes (same first bytes, new inode). It grows with the file up to the tailer's fingerprint size;
 * a shorter fingerprint still matches the same file later, because it is a prefix of it.
 */
public final class Fingerprint {

  public static final Fingerprint EMPTY = new Fingerprint(new byte[0]);

  private final byte[] head;
  private final String encoded;

  private Fingerprint(byte[] head) {
    this.head = head;
    this.encoded = Base64.getEncoder().encodeToString(head);
  }

  /** The fingerprint of the first {@code length} bytes of {@code head}. */
  public static Fingerprint of(byte[] head, int length) {
    if (length > head.length) {
      throw new IllegalArgumentException("need " + length + " leading bytes, have " + head.length);
    }
    return new Fingerprint(Arrays.copyOf(head, length));
  }

  /** How many leading bytes it holds (0 for an empty file, which any file starts with). */
  public int length() {
    return head.length;
  }

  /** Whether {@code fileHead} (the first bytes of a file) starts with these bytes. */
  public boolean isPrefixOf(byte[] fileHead) {
    return fileHead.length >= head.length
        && Arrays.equals(head, 0, head.length, fileHead, 0, head.length);
  }

  /**
   * Whether {@code fileHead} and these bytes are both non-empty and agree as far as both go: the
   * same content, one of them possibly further along (a copy taken earlier or later).
   */
  public boolean overlaps(byte[] fileHead) {
    int common = Math.min(head.length, fileHead.length);
    return common > 0 && Arrays.equals(head, 0, common, fileHead, 0, common);
  }

  /** Base64, the form kept in positions. */
  public String encode() {
    return encoded;
  }

  /**
   * @throws IllegalArgumentException when {@code text} is not Base64
   */
  public static Fingerprint decode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no fingerprint (Base64 of the file's first bytes)");
    }
    try {
      return new Fingerprint(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a fingerprint (Base64 of the file's first bytes): " + text, e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Fingerprint that && Arrays.equals(head, that.head);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(head);
  }

  @Override
  public String toString() {
    return "Fingerprint[" + head.length + " bytes]";
  }
}
