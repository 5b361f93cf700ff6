package io.tidewatch.actions.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Idempotency keys of the ledger: {@code actionKey = hash(transitionId, action)} (RELIABILITY.md).
 * The same transition and action always give the same key, on every worker and after restarts.
 */
public final class ActionKeys {

  private ActionKeys() {}

  /** 32 hex digits of SHA-256 over {@code transitionId}, a NUL and {@code action}. */
  public static String of(String transitionId, String action) {
    Objects.requireNonNull(transitionId, "transitionId");
    Objects.requireNonNull(action, "action");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(transitionId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(action.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
