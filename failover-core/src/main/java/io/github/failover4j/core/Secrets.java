package io.github.failover4j.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How a token is shown: a masked id and a fingerprint, never the token itself. */
final class Secrets {
  private Secrets() {}

  /**
   * The masked id: up to three leading characters (the vendor prefix such as {@code sk-}) and
   * the last four, for tokens long enough that this hides most of them; shorter tokens show
   * less.
   */
  static String mask(String secret) {
    int n = secret.length();
    if (n >= 16) {
      return secret.substring(0, 3) + "…" + secret.substring(n - 4);
    }
    if (n >= 8) {
      return "…" + secret.substring(n - 2);
    }
    return "…";
  }

  /** The first 12 hex digits of the token's SHA-256: stable, and it does not reveal the token. */
  static String fingerprint(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** {@code text} with every occurrence of {@code secret} replaced by {@code id}. */
  static String scrub(String text, String secret, String id) {
    return text == null ? "" : text.replace(secret, id);
  }
}
