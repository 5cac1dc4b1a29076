package io.github.failover4j.micrometer;

import io.github.failover4j.core.TokenPool;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The meters of every pool in one registry. Guarded by the {@link FailoverMetrics} lock. */
final class PoolsMeters {
  final MeterRegistry registry;
  private final Map<String, PoolMeters> byName = new HashMap<>();

  PoolsMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters for exactly these pools: new ones bound, gone or replaced ones removed. */
  void sync(Collection<TokenPool> pools) {
    Set<String> present = new HashSet<>();
    for (TokenPool pool : pools) {
      present.add(pool.name());
      PoolMeters m = byName.get(pool.name());
      if (m != null && m.pool != pool) { // replaced under the same name: same series ids
        m.removeAll();
        m = null;
      }
      if (m == null) {
        m = new PoolMeters(pool, registry);
        byName.put(pool.name(), m);
      }
      m.sync();
    }
    for (Iterator<PoolMeters> it = byName.values().iterator(); it.hasNext(); ) {
      PoolMeters m = it.next();
      if (!present.contains(m.pool.name())) {
        m.removeAll();
        it.remove();
      }
    }
  }

  void removeAll() {
    for (PoolMeters m : byName.values()) {
      m.removeAll();
    }
    byName.clear();
  }
}
