package io.github.failover4j.core;

import java.time.Duration;

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
    long probes) {}
