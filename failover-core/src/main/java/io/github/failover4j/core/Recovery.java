package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.TokenEvent;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Brings ejected tokens back (SPEC §4.4–4.5): a chain of probes on the host scheduler, one at
 * a time per token, each bounded by the timeout, restoring after {@code successThreshold}
 * consecutive passes; or, with no health check, a restore when the cooldown ends. Every task
 * checks that its chain is still the token's live one, so a restore, disable, reload or close
 * stops a chain without any lock.
 */
final class Recovery {
  private final TokenPool pool;

  Recovery(TokenPool pool) {
    this.pool = pool;
  }

  /**
   * Starts recovery for a token that was just ejected (or kept ejected across a reload): a
   * token cooling down comes back at its deadline without a probe; otherwise probes start
   * one period (and at least {@code minOutNanos}, the back-off) after the ejection; with no
   * health check, the back-off or the configured cooldown decides when it comes back.
   */
  void start(Slot s, long minOutNanos) {
    long chain = s.newChain();
    if (pool.closed) {
      return;
    }
    Settings st = pool.settingsForRecovery();
    long now = pool.ticker.nanoTime();
    if (s.ejectedBy == Action.COOLDOWN) {
      restoreAfter(s, chain, s.cooldownLeft(now), Fleet.Cause.TIMER, "cooldown ended");
    } else if (st.health != null) {
      scheduleProbe(s, chain, Math.max(jittered(st.periodNanos), minOutNanos));
    } else if (minOutNanos > 0) {
      restoreAfter(s, chain, minOutNanos, Fleet.Cause.TIMER, "back-off ended");
    } else if (st.cooldownNanos > 0) {
      restoreAfter(s, chain, st.cooldownNanos, Fleet.Cause.TIMER,
          "cooldown of " + Duration.ofNanos(st.cooldownNanos) + " ended");
    }
  }

  /**
   * Restores the token after {@code delay} (at once when it is 0), or later if its cooldown
   * deadline has moved out meanwhile.
   */
  private void restoreAfter(Slot s, long chain, long delay, Fleet.Cause cause, String reason) {
    if (delay > 0) {
      schedule(s, delay, () -> restoreAfter(s, chain, 0, cause, reason));
    } else if (s.inChain(chain)) {
      long left = s.cooldownLeft(pool.ticker.nanoTime());
      if (left > 0) {
        restoreAfter(s, chain, left, cause, reason);
      } else {
        pool.restore(s, cause, reason);
      }
    }
  }

  /** A period plus up to 10% jitter, so tokens ejected together are not probed together. */
  static long jittered(long period) {
    return period + ThreadLocalRandom.current().nextLong(period / 10 + 1);
  }

  private void schedule(Slot s, long delayNanos, Runnable task) {
    s.nextEventAt = pool.ticker.nanoTime() + delayNanos;
    s.pending = pool.scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void scheduleProbe(Slot s, long chain, long delayNanos) {
    schedule(s, delayNanos, () -> probe(s, chain));
  }

  /**
   * Probes when the fleet lets this replica (at once without a fleet); a replica that another
   * one's probe lease keeps out looks again a period later.
   */
  private void probe(Slot s, long chain) {
    if (!s.inChain(chain) || pool.closed || pool.settingsForRecovery().health == null) {
      return;
    }
    pool.fleet.mayProbe(s).whenComplete((granted, error) -> {
      Settings st = pool.settingsForRecovery();
      if (!s.inChain(chain) || pool.closed || st.health == null) {
        return;
      }
      if (error != null || Boolean.TRUE.equals(granted)) {
        send(s, chain, st); // a fleet that cannot answer must not stop recovery
      } else {
        scheduleProbe(s, chain, jittered(st.periodNanos));
      }
    });
  }

  private void send(Slot s, long chain, Settings st) {
    s.probes.increment();
    Probe.send(pool, Probe.request(pool, st, s.authorization, st.probeBody),
        (response, error) -> finished(s, chain, st, response, error));
  }

  private void finished(Slot s, long chain, Settings st, ResponseView response, String error) {
    if (!s.inChain(chain)) {
      return;
    }
    boolean pass = Probe.passed(st, response, error);
    String reason = Probe.describe(response, error, pass);
    (pass ? s.probesPassed : s.probesFailed).increment();
    long now = pool.ticker.nanoTime();
    int passes = pass ? s.probePasses + 1 : 0;
    s.probePasses = passes;
    boolean restores = pass && passes >= st.config.healthCheck().successThreshold();
    if (!restores) {
      scheduleProbe(s, chain, jittered(st.periodNanos)); // before the event: a listener sees it
    }
    pool.events.emit(pass ? TokenEvent.Kind.PROBE_PASSED : TokenEvent.Kind.PROBE_FAILED, s,
        reason, now);
    if (restores) {
      restoreAfter(s, chain, s.cooldownLeft(now), Fleet.Cause.PROBE,
          passes + " consecutive probe(s) passed");
    }
  }
}
