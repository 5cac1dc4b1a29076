package io.github.failover4j.core;

/** What a response says about the token that was used for it (SPEC §2). */
public enum Outcome {
  /** No failure condition matched: resets the token's consecutive failures. */
  SUCCESS,
  /** A failure condition matched: counts toward the token's failure threshold. */
  FAILURE,
  /**
   * Connect refused, reset or timeout: says nothing about the key, so it does not count; it
   * may trigger a retry.
   */
  TRANSPORT_ERROR
}
