package io.github.failover4j.micrometer;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The meters of one pool's tokens in one registry. Guarded by the {@link FailoverMetrics} lock. */
final class PoolMeters {
  final TokenPool pool;
  private final MeterRegistry registry;
  private final Map<String, TokenMeters> byFingerprint = new HashMap<>();

  PoolMeters(TokenPool pool, MeterRegistry registry) {
    this.pool = pool;
    this.registry = registry;
  }

  /**
   * Meters for exactly the pool's tokens as they are now, each with a failure counter for
   * every configured condition (so the series exist at 0 before the first failure) and for
   * every cause that ever counted (a condition whose action a reload changed, a custom verdict).
   */
  void sync() {
    List<Condition> conditions = pool.config().failure().conditions();
    Set<TokenSnapshot.Cause> configured = new LinkedHashSet<>();
    for (int i = 0; i < conditions.size(); i++) {
      configured.add(new TokenSnapshot.Cause(i, conditions.get(i).action()));
    }
    Set<String> present = new HashSet<>();
    for (TokenSnapshot s : pool.snapshot()) {
      present.add(s.fingerprint());
      TokenMeters m = byFingerprint.computeIfAbsent(s.fingerprint(),
          fp -> new TokenMeters(pool, s, registry));
      Set<TokenSnapshot.Cause> causes = new LinkedHashSet<>(configured);
      causes.addAll(s.failuresByCause().keySet());
      m.syncCauses(causes);
    }
    for (Iterator<TokenMeters> it = byFingerprint.values().iterator(); it.hasNext(); ) {
      TokenMeters m = it.next();
      if (!present.contains(m.fingerprint())) {
        m.removeAll();
        it.remove();
      }
    }
  }

  void removeAll() {
    for (TokenMeters m : byFingerprint.values()) {
      m.removeAll();
    }
    byFingerprint.clear();
  }
}
