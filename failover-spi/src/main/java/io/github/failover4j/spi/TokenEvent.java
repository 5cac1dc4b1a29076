package io.github.failover4j.spi;

import java.util.Objects;

/**
 * Something that happened to a token, told to {@link TokenListener}s after the state change
 * took effect and never under a lock. Carries the token's masked id and fingerprint, never
 * the token itself.
 *
 * @param pool the name of the pool (provider)
 * @param tokenId the masked id, e.g. {@code sk-…f3a9}
 * @param fingerprint a stable, non-reversible fingerprint of the token
 * @param kind what happened
 * @param reason why, e.g. which failure condition matched; empty when there is nothing to add
 * @param atNanos when, on the pool's {@link Ticker}
 */
public record TokenEvent(
    String pool, String tokenId, String fingerprint, Kind kind, String reason, long atNanos) {

  /** Validates the arguments. */
  public TokenEvent {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }

  /** What happened to the token. */
  public enum Kind {
    /** Taken out of rotation after its failures reached the threshold. */
    EJECTED,
    /** Put back into rotation (probes passed, a cooldown ended, or an operator restored it). */
    RESTORED,
    /** Taken out of rotation by an operator; never restored automatically. */
    DISABLED,
    /** A health-check probe passed. */
    PROBE_PASSED,
    /** A health-check probe failed, timed out or hit a transport error. */
    PROBE_FAILED,
    /**
     * A provider-level event: an ejection was held back because the pool's {@code
     * maxEjectionPercent} is out already, so the provider rather than the keys is likely
     * failing. Told once until a token comes back; names the token that would have gone.
     */
    EJECTION_LIMITED
  }
}
