package io.github.failover4j.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Which targets (pool + model) are in outage (SPEC §9), shared by every {@link FallbackPlan}
 * of a gateway. A target enters outage when every key a request tried for it failed (two at
 * least), when its pool's {@code maxEjectionPercent} held back an ejection while serving it,
 * or when its pool had no selectable token; plans then skip it while a later target can serve.
 * The first passing probe of the target's own model (the pool's health check, on the pool's
 * scheduler) or the first success ends the outage; a pool without a health check lets one
 * trial request through every {@link Builder#outageCooldown(Duration) outageCooldown}.
 *
 * <p>Outage lives beside the state of the keys, never instead of it: the failures that put a
 * target in outage are not charged to its keys (see {@link FallbackPlan}), so other targets on
 * the same keys keep working. Lock-free: each target's state is one object swapped by
 * compare-and-set; events are told after the change, never under a lock.
 */
public final class Outages implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Outages.class.getName());

  /** The default wait before a trial request to a target in outage without a health check. */
  public static final Duration DEFAULT_OUTAGE_COOLDOWN = Duration.ofSeconds(30);

  /**
   * The most targets tracked per pool. Targets that keep the client's model are keyed by the
   * model a client asked for, so this bounds what clients naming random models can make the
   * gateway remember.
   */
  static final int MAX_TARGETS_PER_POOL = 1024;

  private final long cooldownNanos;
  private final List<Consumer<Event>> listeners;
  private final ConcurrentMap<TokenPool, ConcurrentMap<String, TargetState>> states =
      new ConcurrentHashMap<>();
  private final AtomicBoolean fullReported = new AtomicBoolean();
  volatile boolean closed;

  private Outages(Builder b) {
    this.cooldownNanos = b.cooldown.toNanos();
    this.listeners = List.copyOf(b.listeners);
  }

  /** Outage tracking with the defaults: a 30 s outage cooldown, no listener. */
  public static Outages create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** What happened to a target. */
  public enum Kind {
    /** The target went into outage. */
    ENTERED,
    /** The target's outage ended (a probe passed or a request succeeded). */
    ENDED
  }

  /**
   * A target entered or left outage.
   *
   * @param target the target's display name, {@code provider/model}
   * @param pool the pool's name
   * @param model the model, or {@code null} when the target had none and the client named none
   * @param kind what happened
   * @param reason why
   * @param atNanos when, on the pool's ticker
   */
  public record Event(String target, String pool, String model, Kind kind, String reason,
      long atNanos) {}

  /**
   * One target in outage.
   *
   * @param target the display name, {@code provider/model}
   * @param pool the pool's name
   * @param model the model, or {@code null} when none is known
   * @param outFor how long it has been in outage
   * @param nextCheckIn when the next probe (health check) or trial request (no health check)
   *     is due; zero when due now
   * @param reason why it went into outage
   */
  public record Snapshot(String target, String pool, String model, Duration outFor,
      Duration nextCheckIn, String reason) {}

  /** Every target in outage now. */
  public List<Snapshot> snapshot() {
    List<Snapshot> out = new ArrayList<>();
    for (ConcurrentMap<String, TargetState> perPool : states.values()) {
      for (TargetState t : perPool.values()) {
        TargetState.Outage o = t.outage();
        if (o != null) {
          long now = t.pool.ticker.nanoTime();
          out.add(new Snapshot(t.name, t.pool.name(), t.model,
              Duration.ofNanos(Math.max(0, now - o.since())),
              Duration.ofNanos(Math.max(0, o.nextCheckAt() - now)), o.reason()));
        }
      }
    }
    out.sort(java.util.Comparator.comparing(Snapshot::target));
    return out;
  }

  /** Whether {@code target}, for a client that asked for {@code requestedModel}, is in outage. */
  public boolean inOutage(Target target, String requestedModel) {
    TargetState t = find(target.pool(), target.modelFor(requestedModel));
    return t != null && t.inOutage();
  }

  /** The wait before a trial request to a target in outage whose pool has no health check. */
  public Duration outageCooldown() {
    return Duration.ofNanos(cooldownNanos);
  }

  long cooldownNanos() {
    return cooldownNanos;
  }

  /** The state of a target, or {@code null} when it was never in outage. No allocation. */
  TargetState find(TokenPool pool, String model) {
    ConcurrentMap<String, TargetState> perPool = states.get(pool);
    return perPool == null ? null : perPool.get(key(model));
  }

  /** The state of a target, created on first use; {@code null} when the pool's cap is reached. */
  TargetState state(TokenPool pool, String model) {
    TargetState found = find(pool, model);
    if (found != null) {
      return found;
    }
    ConcurrentMap<String, TargetState> perPool =
        states.computeIfAbsent(pool, p -> new ConcurrentHashMap<>());
    if (perPool.size() >= MAX_TARGETS_PER_POOL) {
      if (fullReported.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "pool {0}: outage tracked for {1} targets already; outages of "
            + "further models are not tracked", pool.name(), MAX_TARGETS_PER_POOL);
      }
      return perPool.get(key(model));
    }
    return perPool.computeIfAbsent(key(model), k -> new TargetState(this, pool, model));
  }

  private static String key(String model) {
    return model == null ? "" : model;
  }

  void emit(TargetState t, Kind kind, String reason, long at) {
    LOG.log(kind == Kind.ENTERED ? Level.WARNING : Level.INFO, "target {0}: outage {1}: {2}",
        t.name, kind == Kind.ENTERED ? "entered" : "ended", reason);
    if (listeners.isEmpty()) {
      return;
    }
    Event e = new Event(t.name, t.pool.name(), t.model, kind, reason, at);
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "an outage listener threw; ignored", ex);
      }
    }
  }

  /**
   * Forgets every target of {@code pool} and stops their probes, e.g. when a reload replaced
   * the pool by a new one. No event is told.
   */
  public void forget(TokenPool pool) {
    ConcurrentMap<String, TargetState> gone = states.remove(pool);
    if (gone != null) {
      gone.values().forEach(TargetState::stopProbes);
    }
  }

  /** Stops every outage probe; the outage states stay readable. */
  @Override
  public void close() {
    closed = true;
    states.values().forEach(perPool -> perPool.values().forEach(TargetState::stopProbes));
  }

  /** Builds {@link Outages}. */
  public static final class Builder {
    private Duration cooldown = DEFAULT_OUTAGE_COOLDOWN;
    private final List<Consumer<Event>> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * How long a target in outage waits before one trial request, when its pool has no health
     * check; default {@link #DEFAULT_OUTAGE_COOLDOWN 30 s}.
     */
    public Builder outageCooldown(Duration cooldown) {
      HealthCheck.requirePositive(cooldown, "outageCooldown");
      this.cooldown = cooldown;
      return this;
    }

    /**
     * Hears of every outage entered or ended, after the change, on the thread that caused it;
     * it must be quick and must not throw.
     */
    public Builder listener(Consumer<Event> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds it. */
    public Outages build() {
      return new Outages(this);
    }
  }
}
