package io.github.failover4j.micrometer;

import io.github.failover4j.core.FailoverRegistry;
import io.github.failover4j.core.TokenPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Micrometer {@link MeterBinder} for token pools: per token its state and consecutive
 * failures (gauges), and its requests, failures by condition and action, ejections, restores
 * and probes by result (counters). Every series is tagged {@code pool}, {@code token} (the
 * masked id, e.g. {@code sk-…f3a9}) and {@code fingerprint}; the token itself never reaches a
 * meter. The meters and their tags are listed in {@code docs/metrics.md}.
 *
 * <pre>{@code
 * FailoverMetrics metrics = FailoverMetrics.of(failoverRegistry);
 * metrics.bindTo(meterRegistry);
 * // … after pools were reloaded, added to or removed from the registry:
 * metrics.refresh();
 * // … when done: removes every meter it registered
 * metrics.close();
 * }</pre>
 *
 * <p>Counters read the pool's monotonic totals when the registry publishes (they are
 * Micrometer function counters), and gauges read the token's state then: metrics add nothing
 * to the request path. Tag values come from the configuration only (pool names, masked ids,
 * fingerprints, condition indexes, action and state names), so cardinality is bounded by the
 * configuration.
 *
 * <p>The set of meters follows the pools when {@link #refresh()} is called: tokens added by a
 * {@link TokenPool#reload reload} get meters, removed tokens and pools lose theirs, and a pool
 * replaced under the same name is rebound. Between a reload and the next refresh, a removed
 * token's gauges read {@code NaN} and its counters hold their last value. Thread-safe; binding,
 * refreshing and closing are operators' actions and take a lock, reading meters does not.
 */
public final class FailoverMetrics implements MeterBinder, AutoCloseable {
  private final Supplier<Collection<TokenPool>> pools;
  /** One per registry bound; guarded by {@code this}. */
  private final List<PoolsMeters> bindings = new ArrayList<>();
  private boolean closed;

  private FailoverMetrics(Supplier<Collection<TokenPool>> pools) {
    this.pools = pools;
  }

  /**
   * Meters for every pool of {@code registry}; {@link #refresh()} picks up pools registered or
   * removed since, and tokens reloaded.
   */
  public static FailoverMetrics of(FailoverRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return new FailoverMetrics(registry::pools);
  }

  /**
   * Meters for these pools; {@link #refresh()} picks up their reloaded tokens.
   *
   * @throws IllegalArgumentException when two pools have the same name (their series would
   *     be one)
   */
  public static FailoverMetrics of(TokenPool... pools) {
    return of(List.of(pools));
  }

  /**
   * Meters for these pools; {@link #refresh()} picks up their reloaded tokens.
   *
   * @throws IllegalArgumentException when two pools have the same name (their series would
   *     be one)
   */
  public static FailoverMetrics of(Collection<TokenPool> pools) {
    List<TokenPool> fixed = List.copyOf(pools);
    Set<String> names = new HashSet<>();
    for (TokenPool p : fixed) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("two pools are named '" + p.name()
            + "'; their series would be one");
      }
    }
    return new FailoverMetrics(() -> fixed);
  }

  /**
   * Registers the meters of every pool's tokens with {@code registry}. Binding the same
   * registry again refreshes it.
   *
   * @throws IllegalStateException when this binder is closed
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (closed) {
      throw new IllegalStateException("these failover metrics are closed");
    }
    for (PoolsMeters b : bindings) {
      if (b.registry == registry) {
        b.sync(pools.get());
        return;
      }
    }
    PoolsMeters b = new PoolsMeters(registry);
    bindings.add(b);
    b.sync(pools.get());
  }

  /**
   * Brings every bound registry's meters in line with the pools as they are now: meters for
   * new pools and tokens (and for conditions a reload added), none for removed ones. Call it
   * after reloading a pool or changing the registry of pools. Cheap when nothing changed.
   */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    Collection<TokenPool> now = pools.get();
    for (PoolsMeters b : bindings) {
      b.sync(now);
    }
  }

  /** Removes every meter this binder registered, from every registry; the pools go on. */
  @Override
  public synchronized void close() {
    closed = true;
    for (PoolsMeters b : bindings) {
      b.removeAll();
    }
    bindings.clear();
  }

  @Override
  public synchronized String toString() {
    return "FailoverMetrics[" + bindings.size() + " registries bound]";
  }
}
