package io.github.failover4j.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What every replica of a gateway shares about one token (SPEC §8): its state, why it is out,
 * until when, and a version that orders transitions fleet-wide. Names the token by its
 * fingerprint only, never the token. Consecutive-failure counts and request totals are not
 * shared: they stay with each replica.
 *
 * @param fingerprint the token's fingerprint ({@link TokenSpec#fingerprint()})
 * @param state the token's state after the transition
 * @param ejectedBy the action of the condition that ejected it; {@code null} unless {@code
 *     EJECTED} by a condition
 * @param until the wall-clock instant before which the token may not come back (a cooldown or
 *     back-off deadline); {@code null} when there is none. A wall-clock instant, so replicas
 *     with different monotonic clocks agree on it
 * @param backoffLevel the back-off step of the ejection (0: none)
 * @param byProbe whether a passing probe restored the token: a store accepts such a restore
 *     only from the replica holding the token's probe lease
 * @param version orders transitions of this token: a store keeps the highest, refuses older
 *     ones, and a replica applies a state only if it is newer than the one it has
 */
public record FleetState(String fingerprint, TokenState state, Action ejectedBy, Instant until,
    int backoffLevel, boolean byProbe, long version) {

  /** Checks the values. */
  public FleetState {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(state, "state");
    if (backoffLevel < 0) {
      throw new IllegalArgumentException("backoffLevel: " + backoffLevel + " is negative");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " is not positive");
    }
  }
}
