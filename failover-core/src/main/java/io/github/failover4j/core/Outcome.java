package io.github.failover4j.core;

/** What a response says about the token that was used for it (SPEC §2, §6). */
public enum Outcome {
  /** No failure condition matched: resets the token's consecutive failures. */
  SUCCESS,
  /** A failure condition matched: counts, ejects or cools the token down, per its action. */
  FAILURE,
  /**
   * Connect refused, reset or timeout: says nothing about the key, so it does not count; it
   * may trigger a retry.
   */
  TRANSPORT_ERROR,
  /**
   * A condition with action {@link Action#IGNORE} matched: a request-caused error that moves
   * no counter and is not retried.
   */
  IGNORED
}
