package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.Scheduler.Cancellable;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outage state of one target (pool + model), beside the pool's token states and never
 * instead of them. One immutable {@link Outage} swapped by compare-and-set: {@code null} while
 * the target serves. The thread that wins a transition emits its event and starts or stops
 * recovery, after the CAS and never under a lock. Recovery: with a health check, a probe of
 * the target's model every period on the pool's scheduler (any passing probe ends the
 * outage); without one, one trial request may go to the target each {@code outageCooldown}.
 */
final class TargetState {
  private static final System.Logger LOG = System.getLogger(Outages.class.getName());

  /**
   * An outage: since when, why, and when it is next checked (probe or trial), on the pool's
   * ticker. Each reschedule is a new object, so a stale probe task finds itself replaced.
   */
  record Outage(long since, String reason, long nextCheckAt) {}

  final Outages owner;
  final TokenPool pool;
  final String model;
  final String name;
  private final AtomicReference<Outage> outage = new AtomicReference<>();
  private volatile Cancellable pending;

  TargetState(Outages owner, TokenPool pool, String model) {
    this.owner = owner;
    this.pool = pool;
    this.model = model;
    this.name = Target.name(pool, model);
  }

  Outage outage() {
    return outage.get();
  }

  boolean inOutage() {
    return outage.get() != null;
  }

  /** Puts the target in outage unless it already is; returns whether this call did. */
  boolean enter(String reason) {
    if (outage.get() != null || owner.closed) {
      return false;
    }
    long now = pool.ticker.nanoTime();
    Settings st = pool.settingsForRecovery();
    boolean probes = st.health != null && st.probeUri != null && !pool.closed;
    long delay = probes ? Recovery.jittered(st.periodNanos) : owner.cooldownNanos();
    Outage o = new Outage(now, reason, now + delay);
    if (!outage.compareAndSet(null, o)) {
      return false;
    }
    owner.emit(this, Outages.Kind.ENTERED, reason, now);
    if (probes) {
      schedule(o, delay);
    }
    return true;
  }

  /** Ends the outage if there is one; returns whether this call did. */
  boolean end(String reason) {
    Outage o = outage.get();
    while (o != null) {
      if (outage.compareAndSet(o, null)) {
        stopProbes();
        owner.emit(this, Outages.Kind.ENDED, reason, pool.ticker.nanoTime());
        return true;
      }
      o = outage.get();
    }
    return false;
  }

  /**
   * Whether a request may try the target now although it is in outage: without a health
   * check, once per {@code outageCooldown}; exactly one caller wins each trial.
   */
  boolean claimTrial() {
    Outage o = outage.get();
    if (o == null || pool.settingsForRecovery().health != null) {
      return false;
    }
    long now = pool.ticker.nanoTime();
    return now - o.nextCheckAt() >= 0
        && outage.compareAndSet(o, new Outage(o.since(), o.reason(), now + owner.cooldownNanos()));
  }

  void stopProbes() {
    Cancellable p = pending;
    if (p != null) {
      p.cancel();
    }
  }

  private void schedule(Outage o, long delayNanos) {
    Cancellable task = pool.scheduler.schedule(() -> probe(o), delayNanos, TimeUnit.NANOSECONDS);
    pending = task;
    if (outage.get() != o) {
      task.cancel(); // ended (or replaced) while scheduling: end() may have missed this task
    }
  }

  /** One probe of this target's model with a healthy token of the pool; reschedules on failure. */
  private void probe(Outage o) {
    Settings st = pool.settingsForRecovery();
    if (outage.get() != o || owner.closed || pool.closed || st.health == null) {
      return;
    }
    TokenHandle[] healthy = pool.healthyHandles();
    if (healthy.length == 0) {
      probed(o, st, null, "no healthy token to probe with");
      return;
    }
    TokenHandle token = healthy[pool.nextCursor(healthy.length)];
    token.slot.probes.increment();
    Probe.send(pool, Probe.request(pool, st, token.authorization(), model == null ? st.probeBody
        : Settings.probeBody(st.config.healthCheck(), model)),
        (response, error) -> probed(o, st, response,
            error == null ? null : Secrets.scrub(error, token.secret(), token.id())));
  }

  private void probed(Outage o, Settings st, ResponseView response, String error) {
    if (outage.get() != o) {
      return; // ended (or replaced) meanwhile
    }
    boolean passed = Probe.passed(st, response, error);
    String why = Probe.describe(response, error, passed);
    if (passed) {
      end("probe of " + name + " passed: " + why);
      return;
    }
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "target {0}: outage probe failed: {1}", name, why);
    }
    long delay = Recovery.jittered(st.periodNanos);
    Outage next = new Outage(o.since(), o.reason(), pool.ticker.nanoTime() + delay);
    if (outage.compareAndSet(o, next)) {
      schedule(next, delay);
    }
  }

  @Override
  public String toString() {
    return "TargetState[" + name + (inOutage() ? ", in outage" : "") + "]";
  }
}
