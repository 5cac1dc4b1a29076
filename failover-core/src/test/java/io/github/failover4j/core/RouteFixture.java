package io.github.failover4j.core;

import io.github.failover4j.test.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Pools on one manual clock and scripted prober, with the outages of their targets. */
final class RouteFixture {
  static final String A = PoolFixture.A;
  static final String B = PoolFixture.B;
  static final String C = PoolFixture.C;
  static final String Z = "sk-test-zzzzzzzzzzzz9999";

  final ManualClock clock = new ManualClock();
  final ScriptedProber prober = new ScriptedProber();
  final List<Outages.Event> events = new CopyOnWriteArrayList<>();
  final Outages outages;

  RouteFixture() {
    this(Outages.DEFAULT_OUTAGE_COOLDOWN);
  }

  RouteFixture(Duration outageCooldown) {
    outages = Outages.builder().outageCooldown(outageCooldown).listener(events::add).build();
  }

  TokenPool pool(String name, FailoverConfig config, String... tokens) {
    return TokenPool.builder(name).tokens(tokens).config(config)
        .upstream(URI.create("http://127.0.0.1:9/"))
        .scheduler(clock).ticker(clock).prober(prober).build();
  }

  /** A route over {@code targets} with no jitter, so back-off waits are exact. */
  FallbackRoute route(Duration budget, Target... targets) {
    FallbackRoute.Builder b = FallbackRoute.builder(outages).budget(budget);
    for (Target t : targets) {
      b.target(t);
    }
    return b.build().withJitter(bound -> 0);
  }

  List<String> eventLines() {
    return events.stream().map(e -> e.kind() + " " + e.target()).toList();
  }

  static TokenSnapshot snapshotOf(TokenPool pool, String secret) {
    String fp = TokenSpec.of(secret).fingerprint();
    return pool.snapshot().stream().filter(s -> s.fingerprint().equals(fp)).findFirst()
        .orElseThrow();
  }
}
