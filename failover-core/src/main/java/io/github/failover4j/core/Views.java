package io.github.failover4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a pool shows of its tokens: the operator's snapshot and the all-ejected error. */
final class Views {
  private Views() {}

  /** A read-only view of every token at {@code now}, in configuration order. */
  static List<TokenSnapshot> snapshot(Slot[] all, long now) {
    List<TokenSnapshot> views = new ArrayList<>(all.length);
    for (Slot s : all) {
      views.add(view(s, now));
    }
    return views;
  }

  /** A read-only view of one token at {@code now}. */
  static TokenSnapshot view(Slot s, long now) {
    long w = s.word();
    int state = Slot.state(w);
    long next = s.nextEventAt;
    long cooldown = s.cooldownLeft(now);
    return new TokenSnapshot(s.id, s.fingerprint, s.weight, s.publicState(),
        Slot.failures(w),
        state != Slot.HEALTHY ? Duration.ofNanos(Math.max(0, now - s.ejectedAt)) : null,
        state == Slot.EJECTED && next != Slot.NONE ? Duration.ofNanos(Math.max(0, next - now))
            : null,
        state == Slot.EJECTED && cooldown > 0 ? Duration.ofNanos(cooldown) : null,
        state == Slot.EJECTED ? s.ejectedBy : null,
        s.backoffLevel,
        Secrets.scrub(s.lastFailureReason, s.secret, s.id), s.requests.sum(),
        s.failures.sum(), s.ejections.sum(), s.probes.sum(), s.restores.sum(),
        s.probesPassed.sum(), s.probesFailed.sum(), s.causeTotals());
  }

  /**
   * The error of a selection that found no healthy token, with the earliest time one may
   * return: the next probe or cooldown end, plus the further probes a restore needs.
   */
  static NoHealthyTokenException noHealthyToken(String pool, Settings st, Slot[] slots,
      long now) {
    long extraProbes = st.health == null
        ? 0 : (st.config.healthCheck().successThreshold() - 1) * st.periodNanos;
    long earliest = Long.MAX_VALUE;
    for (Slot s : slots) {
      long at = s.nextEventAt;
      if (at != Slot.NONE && Slot.state(s.word()) == Slot.EJECTED) {
        earliest = Math.min(earliest, Math.max(0, at - now) + extraProbes);
      }
    }
    return new NoHealthyTokenException(pool,
        earliest == Long.MAX_VALUE ? null : Duration.ofNanos(earliest));
  }
}
