package io.github.failover4j.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only view of one token at one moment (SPEC §4.9). Carries the masked id and the
 * fingerprint, never the token.
 *
 * @param id the masked id, e.g. {@code sk-…f3a9}
 * @param fingerprint a stable fingerprint of the token, used to address it in operator actions
 * @param weight its weight under weighted selection
 * @param state its state
 * @param consecutiveFailures failures since the last success (or since it was restored)
 * @param ejectedFor how long it has been out, or {@code null} when healthy
 * @param nextProbeIn when its next probe or cooldown end is due, or {@code null} when none is
 * @param cooldownLeft how long its cooldown deadline still holds it out, or {@code null} when
 *     it has none
 * @param ejectedBy the action of the condition that ejected it ({@code null} when healthy or
 *     disabled by an operator)
 * @param backoffLevel the back-off step of its latest ejection (0 when it never backed off)
 * @param lastFailureReason the condition that matched its latest failure, empty when none
 * @param requests responses reported for it
 * @param failures failures reported for it
 * @param ejections times it was ejected
 * @param probes probes sent for it
 * @param restores times it was put back into rotation (probes, cooldown, back-off or operator)
 * @param probesPassed probes that passed
 * @param probesFailed probes that failed, timed out or hit a transport error ({@code
 *     probesPassed + probesFailed} trails {@code probes} by the probe in flight, and by
 *     probes abandoned when the token was restored or disabled meanwhile)
 * @param failuresByCause responses that matched a failure condition, by condition and action,
 *     counting {@link Action#IGNORE} matches too (they never count against the token and are
 *     not in {@code failures}); only causes seen at least once, never reset by a reload
 */
public record TokenSnapshot(
    String id,
    String fingerprint,
    int weight,
    TokenState state,
    int consecutiveFailures,
    Duration ejectedFor,
    Duration nextProbeIn,
    Duration cooldownLeft,
    Action ejectedBy,
    int backoffLevel,
    String lastFailureReason,
    long requests,
    long failures,
    long ejections,
    long probes,
    long restores,
    long probesPassed,
    long probesFailed,
    Map<Cause, Long> failuresByCause) {

  /** Copies the map. */
  public TokenSnapshot {
    failuresByCause = Map.copyOf(failuresByCause);
  }

  /** The count for one cause; 0 when it never matched. */
  public long failures(Cause cause) {
    return failuresByCause.getOrDefault(cause, 0L);
  }

  /**
   * Why a response was tallied as a failure: the index of the failure condition that matched
   * ({@code failover.failure.conditions[i]}, as in {@link #lastFailureReason()}), or {@link
   * #CUSTOM} for a verdict recorded through {@link TokenHandle#record(Verdict)} that no
   * condition of the pool produced, and the action it took.
   *
   * @param condition the index of the condition in the pool's list, or {@link #CUSTOM}
   * @param action the condition's action
   */
  public record Cause(int condition, Action action) {
    /** The {@code condition} of a verdict no condition of the pool produced. */
    public static final int CUSTOM = -1;

    /** Checks the values. */
    public Cause {
      Objects.requireNonNull(action, "action");
      if (condition < CUSTOM) {
        throw new IllegalArgumentException("condition: " + condition + " is not an index");
      }
    }
  }
}
