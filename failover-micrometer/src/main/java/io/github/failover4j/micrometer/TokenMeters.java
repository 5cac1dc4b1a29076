package io.github.failover4j.micrometer;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The meters of one token in one registry, read from the pool's snapshot of that token when
 * the registry publishes. Tagged with the masked id and the fingerprint, never the token.
 */
final class TokenMeters {
  static final String STATE = "failover.token.state";
  static final String CONSECUTIVE_FAILURES = "failover.token.consecutive.failures";
  static final String REQUESTS = "failover.token.requests";
  static final String FAILURES = "failover.token.failures";
  static final String EJECTIONS = "failover.token.ejections";
  static final String RESTORES = "failover.token.restores";
  static final String PROBES = "failover.token.probes";

  private final TokenPool pool;
  private final String fingerprint;
  private final MeterRegistry registry;
  private final Tags tags;
  /** The latest snapshot read; what the counters hold once the token is gone from the pool. */
  private volatile TokenSnapshot last;
  private final List<Meter> fixed = new ArrayList<>();
  private final Map<TokenSnapshot.Cause, Meter> failures = new HashMap<>();

  TokenMeters(TokenPool pool, TokenSnapshot first, MeterRegistry registry) {
    this.pool = pool;
    this.fingerprint = first.fingerprint();
    this.registry = registry;
    this.last = first;
    this.tags = Tags.of("pool", pool.name(), "token", first.id(), "fingerprint", fingerprint);
    for (TokenState s : TokenState.values()) {
      fixed.add(Gauge.builder(STATE, this, m -> m.stateIs(s))
          .tags(tags).tag("state", s.name().toLowerCase(Locale.ROOT))
          .description("1 when the token is in this state (healthy, ejected, disabled), else 0")
          .strongReference(true)
          .register(registry));
    }
    fixed.add(Gauge.builder(CONSECUTIVE_FAILURES, this,
            m -> m.gauge(TokenSnapshot::consecutiveFailures))
        .tags(tags).description("Failures since the token's last success or restore")
        .strongReference(true)
        .register(registry));
    fixed.add(counter(REQUESTS, Tags.empty(), "Responses reported for the token",
        TokenSnapshot::requests));
    fixed.add(counter(EJECTIONS, Tags.empty(), "Times the token was ejected by a failure rule",
        TokenSnapshot::ejections));
    fixed.add(counter(RESTORES, Tags.empty(),
        "Times the token was put back into rotation (probes, cooldown, back-off, operator)",
        TokenSnapshot::restores));
    fixed.add(counter(PROBES, Tags.of("result", "pass"), "Health-check probes by result",
        TokenSnapshot::probesPassed));
    fixed.add(counter(PROBES, Tags.of("result", "fail"), "Health-check probes by result",
        TokenSnapshot::probesFailed));
  }

  String fingerprint() {
    return fingerprint;
  }

  /** A failure counter for exactly these causes. */
  void syncCauses(Set<TokenSnapshot.Cause> causes) {
    for (TokenSnapshot.Cause c : causes) {
      failures.computeIfAbsent(c, k -> counter(FAILURES,
          Tags.of("condition", conditionTag(k), "action", actionTag(k.action())),
          "Responses that matched a failure condition, by its index and action "
              + "(action=ignore: matched, but never counted against the token)",
          s -> s.failures(k)));
    }
    for (Iterator<Map.Entry<TokenSnapshot.Cause, Meter>> it = failures.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<TokenSnapshot.Cause, Meter> e = it.next();
      if (!causes.contains(e.getKey())) {
        registry.remove(e.getValue());
        it.remove();
      }
    }
  }

  void removeAll() {
    for (Meter m : fixed) {
      registry.remove(m);
    }
    for (Meter m : failures.values()) {
      registry.remove(m);
    }
    fixed.clear();
    failures.clear();
  }

  /**
   * A counter of a monotonic total. Micrometer holds a function counter's object weakly, so
   * the function itself holds this object: the meters live as long as they are registered,
   * whether or not the caller keeps the binder.
   */
  private Meter counter(String name, Tags extra, String description,
      ToLongFunction<TokenSnapshot> total) {
    return FunctionCounter.builder(name, this, ignored -> total.applyAsLong(read()))
        .tags(tags).tags(extra).description(description)
        .register(registry);
  }

  /** The token now, or as last seen when a reload removed it (counters then stand still). */
  private TokenSnapshot read() {
    TokenSnapshot now = pool.snapshot(fingerprint).orElse(null);
    if (now == null) {
      return last;
    }
    last = now;
    return now;
  }

  /** A gauge's value now; {@code NaN} once the token is gone from the pool. */
  private double gauge(ToLongFunction<TokenSnapshot> value) {
    return pool.snapshot(fingerprint).map(s -> (double) value.applyAsLong(s)).orElse(Double.NaN);
  }

  private double stateIs(TokenState state) {
    return gauge(s -> s.state() == state ? 1 : 0);
  }

  /** The {@code condition} tag of a cause: its index, or {@code custom}. */
  static String conditionTag(TokenSnapshot.Cause c) {
    return c.condition() == TokenSnapshot.Cause.CUSTOM ? "custom"
        : Integer.toString(c.condition());
  }

  /** The {@code action} tag: {@code count}, {@code eject}, {@code cooldown}, {@code ignore}. */
  static String actionTag(Action a) {
    return a.name().toLowerCase(Locale.ROOT);
  }
}
