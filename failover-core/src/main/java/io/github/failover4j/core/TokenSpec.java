package io.github.failover4j.core;

import java.util.Objects;

/**
 * A token and its weight (used by {@link SelectionStrategy#WEIGHTED}). {@link #toString()}
 * shows the masked id only.
 *
 * @param secret the token itself
 * @param weight its share of traffic under weighted selection, 1–1000
 */
public record TokenSpec(String secret, int weight) {

  /** Checks the values. */
  public TokenSpec {
    Objects.requireNonNull(secret, "secret");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("a token is blank");
    }
    if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // it travels in a header: a space, control or non-ASCII character would fail every send
      throw new IllegalArgumentException("token " + Secrets.mask(secret)
          + " has a character that an HTTP header value cannot carry (space, control or "
          + "non-ASCII)");
    }
    if (weight < 1 || weight > 1000) {
      throw new IllegalArgumentException("weight: " + weight + " is not between 1 and 1000");
    }
  }

  /** A token of weight 1. */
  public static TokenSpec of(String secret) {
    return new TokenSpec(secret, 1);
  }

  /** The masked id, e.g. {@code sk-…f3a9}. */
  public String id() {
    return Secrets.mask(secret);
  }

  /**
   * The masked id any string would be shown as if it were a token, e.g. to name a malformed
   * token in an error message without showing it.
   */
  public static String maskedId(String secret) {
    return Secrets.mask(secret);
  }

  /** A stable fingerprint that does not reveal the token. */
  public String fingerprint() {
    return Secrets.fingerprint(secret);
  }

  /** Shows the masked id and weight, never the token. */
  @Override
  public String toString() {
    return "TokenSpec[" + id() + ", weight=" + weight + "]";
  }
}
