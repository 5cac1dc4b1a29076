package io.github.failover4j.benchmarks;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.core.testing.ManualClock;
import io.github.failover4j.redis.RedisFleet;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.TokenEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The fleet's propagation harness (not a JMH benchmark: it measures a distribution of one-off
 * latencies across two connections, not a loop). Two pools of the same name, each with its
 * own {@link RedisFleet} connection to one redis-server on loopback, stand for two replicas.
 *
 * <p><b>Propagation.</b> For each of N rounds: a failure reported on replica A ejects token X
 * there; the latency is the time from just before that report to the moment replica B's pool
 * has X out of rotation (B's listener hears {@code EJECTED}, which it does after B's healthy
 * snapshot was rebuilt). That covers A's transition, the hand-off to A's fleet thread, the Lua
 * write and publish, B's subscriber, B's fleet thread and B's transition. An operator restore
 * on A then brings X back on both before the next round.
 *
 * <p><b>Probes.</b> Three replicas on one manual clock eject a token and fail every probe for
 * P periods; the harness counts the probes the fake provider got (one per period is the
 * target, against three without a fleet).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.failover4j.benchmarks.FleetPropagation [rounds] [redis-uri]
 * </pre>
 * Without a URI it starts the redis-server embedded-redis ships on a free loopback port.
 */
public final class FleetPropagation {
  private static final String X = "sk-prop-xxxxxxxxxxxxxxxx1111";
  private static final String Y = "sk-prop-yyyyyyyyyyyyyyyy2222";

  private FleetPropagation() {}

  /**
   * Runs both measurements and prints the results.
   *
   * @param args {@code [rounds (default 1000)] [redis URI (default: an embedded server)]}
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    BenchRedis embedded = args.length > 1 ? null : new BenchRedis();
    String uri = args.length > 1 ? args[1] : embedded.uri();
    try {
      propagation(uri, rounds);
      probes(uri, 10);
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void propagation(String uri, int rounds) {
    FailoverConfig config = FailoverConfig.builder().conditions(Condition.status(503)).build();
    AtomicLong ejectedOnB = new AtomicLong();
    AtomicLong restoredOnB = new AtomicLong();
    try (RedisFleet fleetA = connect(uri, "a"); RedisFleet fleetB = connect(uri, "b")) {
      TokenPool a = TokenPool.builder("prop").tokens(X, Y).config(config).fleet(fleetA).build();
      TokenPool b = TokenPool.builder("prop").tokens(X, Y).config(config).fleet(fleetB)
          .listener(e -> {
            if (e.kind() == TokenEvent.Kind.EJECTED) {
              ejectedOnB.set(System.nanoTime());
            } else if (e.kind() == TokenEvent.Kind.RESTORED) {
              restoredOnB.set(System.nanoTime());
            }
          })
          .build();
      String fp = TokenSpec.of(X).fingerprint();
      Verdict failure = Verdict.failure("propagation harness");
      int warmup = Math.min(100, rounds / 10);
      long[] nanos = new long[rounds];
      for (int round = -warmup; round < rounds; round++) {
        TokenHandle x = handle(a, X);
        ejectedOnB.set(0);
        long start = System.nanoTime();
        x.record(failure);
        await("B sees X ejected", () -> ejectedOnB.get() != 0);
        if (round >= 0) {
          nanos[round] = ejectedOnB.get() - start;
        }
        if (state(b, fp) != TokenState.EJECTED) {
          throw new IllegalStateException("B heard of the ejection but X is " + state(b, fp));
        }
        restoredOnB.set(0);
        a.restore(fp);
        await("B sees X restored", () -> restoredOnB.get() != 0);
      }
      a.close();
      b.close();
      report(rounds, warmup, nanos);
    }
  }

  private static void report(int rounds, int warmup, long[] nanos) {
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "propagation A -> B over %d ejections (after %d warm-up "
            + "rounds), ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f%n",
        rounds, warmup, ms(pct(nanos, 50)), ms(pct(nanos, 90)), ms(pct(nanos, 99)),
        ms(nanos[nanos.length - 1]), ms((long) Arrays.stream(nanos).average().orElse(0)));
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void probes(String uri, int periods) {
    Duration period = Duration.ofSeconds(10);
    FailoverConfig config = FailoverConfig.builder().conditions(Condition.status(503))
        .healthCheck(new HealthCheck(period, Duration.ofSeconds(5), 1, "ping?", "tiny",
            "/v1/chat/completions", List.of(Condition.status(200))))
        .build();
    ManualClock clock = new ManualClock();
    AtomicInteger probes = new AtomicInteger();
    ProbeTransport provider = request -> {
      probes.incrementAndGet();
      return CompletableFuture.completedFuture(new BenchResponse(503, new byte[0]));
    };
    List<RedisFleet> fleets = new ArrayList<>();
    List<TokenPool> pools = new ArrayList<>();
    String fp = TokenSpec.of(Y).fingerprint();
    try {
      for (String id : List.of("p1", "p2", "p3")) {
        RedisFleet f = connect(uri, id);
        fleets.add(f);
        pools.add(TokenPool.builder("probes").tokens(X, Y).config(config)
            .upstream(URI.create("http://127.0.0.1:9/")).scheduler(clock).ticker(clock)
            .prober(provider).fleet(f).build());
      }
      handle(pools.get(0), Y).record(Verdict.failure("probe harness"));
      for (TokenPool p : pools) {
        await("every replica has Y out", () -> state(p, fp) == TokenState.EJECTED);
      }
      for (int i = 0; i < periods; i++) {
        clock.advance(period.plus(period.dividedBy(10)).plusMillis(1));
        for (TokenPool p : pools) {
          await("every replica scheduled its next probe", () -> {
            Duration next = snapshot(p, fp).nextProbeIn();
            return next != null && !next.isZero();
          });
        }
      }
      System.out.printf(Locale.ROOT, "probes: %d replicas, token out for %d probe periods: %d "
          + "probes at the provider (%d without a fleet)%n", pools.size(), periods,
          probes.get(), pools.size() * periods);
    } finally {
      pools.forEach(TokenPool::close);
      fleets.forEach(RedisFleet::close);
    }
  }

  private static RedisFleet connect(String uri, String replica) {
    RedisFleet f = RedisFleet.builder(uri).replicaId(replica).build();
    await(replica + " connects", f::reachable);
    return f;
  }

  private static TokenHandle handle(TokenPool pool, String secret) {
    for (int i = 0; i < 16; i++) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        return h;
      }
    }
    throw new IllegalStateException("token not selectable");
  }

  private static TokenSnapshot snapshot(TokenPool pool, String fp) {
    return pool.snapshot().stream().filter(s -> s.fingerprint().equals(fp)).findFirst()
        .orElseThrow();
  }

  private static TokenState state(TokenPool pool, String fp) {
    return snapshot(pool, fp).state();
  }

  /** Spins (then parks briefly) until {@code condition} holds; fails after 60 s. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int spins = 0;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out waiting until " + what);
      }
      if (++spins > 1000) {
        LockSupport.parkNanos(20_000);
      } else {
        Thread.onSpinWait();
      }
    }
  }
}
