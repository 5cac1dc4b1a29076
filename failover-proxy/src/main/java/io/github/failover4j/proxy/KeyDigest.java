package io.github.failover4j.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A key (client key, admin key) as the proxy keeps it: its SHA-256 only, compared in constant
 * time. Holds no key, so nothing that shows it can leak one.
 */
final class KeyDigest {
  private static final HexFormat HEX = HexFormat.of();
  private final byte[] sha256;

  private KeyDigest(byte[] sha256) {
    this.sha256 = sha256;
  }

  /** The digest of {@code key}. */
  static KeyDigest of(String key) {
    return new KeyDigest(sha256(key));
  }

  /** A digest given as 64 hex digits; throws IllegalArgumentException otherwise. */
  static KeyDigest ofHex(String hex) {
    if (hex.length() != 64) {
      throw new IllegalArgumentException("is not a SHA-256 in hex (64 digits)");
    }
    return new KeyDigest(HEX.parseHex(hex));
  }

  /** The SHA-256 of {@code s}'s UTF-8 bytes. */
  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /**
   * Whether {@code presentedSha256} is this key's digest; the time taken does not depend on
   * where the two differ ({@link MessageDigest#isEqual}).
   */
  boolean matches(byte[] presentedSha256) {
    return MessageDigest.isEqual(sha256, presentedSha256);
  }

  boolean sameAs(KeyDigest other) {
    return MessageDigest.isEqual(sha256, other.sha256);
  }

  @Override
  public String toString() {
    return "KeyDigest[…]";
  }
}
