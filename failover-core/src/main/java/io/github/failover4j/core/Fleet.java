package io.github.failover4j.core;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A pool's side of a {@link FleetSync} (SPEC §8): publishes each local transition after the
 * pool won it, applies the fleet's transitions to the pool's slots, and asks the fleet whether
 * this replica may probe. A pool without a fleet has {@link #NONE}, whose every hook is a
 * no-op, so the pool never tests for a fleet.
 *
 * <p>Versions are wall-clock microseconds, bumped past the last known version of the token: a
 * hybrid logical clock, so the newest transition wins across replicas and a replica's own
 * transitions always order after what it has seen.
 */
final class Fleet implements FleetSync.Member {
  /** Why a token came back, as far as the fleet is concerned. */
  enum Cause {
    /** An operator's restore: leaves {@code DISABLED} too. */
    OPERATOR,
    /** Passing probes: the store checks the probe lease. */
    PROBE,
    /** A cooldown or back-off deadline passed. */
    TIMER,
    /** Another replica's transition, applied here: not published again. */
    FLEET
  }

  static final Fleet NONE = new Fleet();
  private static final CompletionStage<Boolean> GRANTED = CompletableFuture.completedStage(true);

  private final TokenPool pool;
  private final Clock wallClock;
  /** Set once, right after the pool is built; {@code null} for {@link #NONE}. */
  private volatile FleetSync.Link link;

  private Fleet() {
    this.pool = null;
    this.wallClock = null;
  }

  Fleet(TokenPool pool, Clock wallClock) {
    this.pool = pool;
    this.wallClock = wallClock;
  }

  void join(FleetSync sync) {
    link = Objects.requireNonNull(sync.join(this), "FleetSync.join returned null");
  }

  // ------------------------------------------------------------ local transitions → fleet

  /** After the pool ejected {@code s}; {@code outForNanos} is the back-off, 0 if none. */
  void ejected(Slot s, long outForNanos) {
    FleetSync.Link link = this.link;
    if (link == null) {
      return;
    }
    long left = Math.max(outForNanos, s.cooldownLeft(pool.ticker.nanoTime()));
    Instant until = left > 0 ? wallClock.instant().plusNanos(left) : null;
    publish(s, TokenState.EJECTED, s.ejectedBy, until, s.backoffLevel, false);
  }

  /** After the pool restored {@code s}. */
  void restored(Slot s, Cause cause) {
    if (this.link != null && cause != Cause.FLEET) {
      publish(s, TokenState.HEALTHY, null, null, s.backoffLevel, cause == Cause.PROBE);
    }
  }

  /** After an operator disabled {@code s} on this replica. */
  void disabled(Slot s) {
    if (this.link != null) {
      publish(s, TokenState.DISABLED, null, null, s.backoffLevel, false);
    }
  }

  private void publish(Slot s, TokenState state, Action by, Instant until, int level,
      boolean byProbe) {
    while (true) {
      FleetState known = s.fleet.get();
      long version = Math.max(known == null ? 1 : known.version() + 1,
          TimeUnit.MILLISECONDS.toMicros(wallClock.millis()));
      FleetState next = new FleetState(s.fingerprint, state, by, until, level, byProbe, version);
      if (s.fleet.compareAndSet(known, next)) {
        FleetSync.Link link = this.link;
        if (link != null) {
          link.publish(next);
        }
        return;
      }
    }
  }

  /** Whether this replica may probe {@code s} now; granted at once without a fleet. */
  CompletionStage<Boolean> mayProbe(Slot s) {
    FleetSync.Link link = this.link;
    return link == null ? GRANTED : link.mayProbe(s.fingerprint);
  }

  void close() {
    FleetSync.Link link = this.link;
    if (link != null) {
      link.close();
    }
  }

  // ------------------------------------------------------------ fleet → local slots

  @Override
  public String pool() {
    return pool.name();
  }

  @Override
  public List<String> fingerprints() {
    Slot[] slots = pool.slots();
    List<String> out = new ArrayList<>(slots.length);
    for (Slot s : slots) {
      out.add(s.fingerprint);
    }
    return out;
  }

  @Override
  public FleetState state(String fingerprint) {
    Slot s = slot(fingerprint);
    return s == null ? null : s.fleet.get();
  }

  @Override
  public boolean apply(FleetState state) {
    Slot s = slot(state.fingerprint());
    if (s == null) {
      return false;
    }
    while (true) {
      FleetState known = s.fleet.get();
      if (known != null && known.version() > state.version()) {
        return false;
      }
      if (known != null && known.version() == state.version() && known.equals(state)
          && matches(s, state)) {
        return false;
      }
      if (s.fleet.compareAndSet(known, state)) {
        adopt(s, state);
        return true;
      }
    }
  }

  @Override
  public void override(FleetState stored) {
    Slot s = slot(stored.fingerprint());
    if (s != null) {
      s.fleet.set(stored);
      adopt(s, stored);
    }
  }

  private Slot slot(String fingerprint) {
    for (Slot s : pool.slots()) {
      if (s.fingerprint.equals(fingerprint)) {
        return s;
      }
    }
    return null;
  }

  private static boolean matches(Slot s, FleetState state) {
    return s.publicState() == state.state();
  }

  /** Makes the local slot match a state from the fleet, without publishing it again. */
  private void adopt(Slot s, FleetState state) {
    switch (state.state()) {
      case HEALTHY -> pool.restore(s, Cause.FLEET, "restored by the fleet");
      case DISABLED -> pool.disable(s, false);
      case EJECTED -> {
        long left = state.until() == null ? 0
            : Math.max(0, wallClock.instant().until(state.until(), ChronoUnit.NANOS));
        ejected(s, state.ejectedBy() == null ? Action.EJECT : state.ejectedBy(),
            state.backoffLevel(), left);
      }
    }
  }

  /**
   * Another replica ejected {@code s}: out here too, whatever its count or the ejection
   * limit, recovering by the shared deadline ({@code leftNanos} from now).
   */
  private void ejected(Slot s, Action by, int level, long leftNanos) {
    int was = pool.takeOut(s, Slot.EJECTED, true);
    if (was < 0) {
      return;
    }
    if (was == Slot.HEALTHY) {
      s.ejections.increment();
    }
    s.ejectedBy = by;
    s.backoffLevel = level;
    if (by == Action.COOLDOWN) {
      s.extendCooldown(pool.ticker.nanoTime() + leftNanos);
    }
    pool.tookOut(s, "by the fleet", by == Action.COOLDOWN ? 0 : leftNanos);
  }
}
