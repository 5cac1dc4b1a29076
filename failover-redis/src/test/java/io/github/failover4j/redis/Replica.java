package io.github.failover4j.redis;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.core.testing.ManualClock;
import io.github.failover4j.spi.ResponseView;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** One gateway replica in a test: a pool on the shared manual clock, with its own fleet. */
final class Replica implements AutoCloseable {
  static final String X = "sk-fleet-xxxxxxxxxxxxxxxx1111";
  static final String Y = "sk-fleet-yyyyyyyyyyyyyyyy2222";
  static final String Z = "sk-fleet-zzzzzzzzzzzzzzzz3333";
  static final List<String> TOKENS = List.of(X, Y, Z);
  static final Duration PERIOD = Duration.ofSeconds(10);
  /** One probe period and its full jitter: every replica's next probe is due. */
  static final Duration PROBE_DUE = PERIOD.plus(PERIOD.dividedBy(10)).plusMillis(1);

  /** Ejects on 503 (count, threshold 1), cools down on 429, probes every 10 s. */
  static final FailoverConfig CONFIG = FailoverConfig.builder()
      .conditions(Condition.status(503),
          Condition.status(429).withAction(io.github.failover4j.core.Action.COOLDOWN))
      .healthCheck(new HealthCheck(PERIOD, Duration.ofSeconds(5), 1, "ping?", "tiny",
          "/v1/chat/completions", List.of(Condition.status(200))))
      .build();

  final String id;
  final RedisFleet fleet;
  final TokenPool pool;

  Replica(TestRedis redis, String id, ManualClock clock, Provider provider) {
    this(redis, id, clock, provider, b -> b);
  }

  Replica(TestRedis redis, String id, ManualClock clock, Provider provider,
      UnaryOperator<RedisFleet.Builder> settings) {
    this.id = id;
    this.fleet = settings.apply(RedisFleet.builder(redis.uri()).replicaId(id)).build();
    this.pool = TokenPool.builder("openai")
        .tokens(TOKENS.toArray(String[]::new))
        .config(CONFIG)
        .upstream(URI.create("http://127.0.0.1:9/"))
        .scheduler(clock)
        .ticker(clock)
        .prober(provider.prober(id))
        .fleet(fleet)
        .build();
  }

  static String fp(String secret) {
    return TokenSpec.of(secret).fingerprint();
  }

  TokenSnapshot snapshot(String secret) {
    return pool.snapshot().stream().filter(s -> s.fingerprint().equals(fp(secret)))
        .findFirst().orElseThrow();
  }

  TokenState state(String secret) {
    return snapshot(secret).state();
  }

  TokenHandle handle(String secret) {
    for (int i = 0; i < 64; i++) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        return h;
      }
    }
    throw new AssertionError(id + ": token not selectable: " + TokenSpec.maskedId(secret));
  }

  /** A request with {@code secret} got {@code response}. */
  void report(String secret, ResponseView response) {
    handle(secret).report(response);
  }

  /** Whether this replica's next probe of {@code secret} is scheduled in the future. */
  boolean probeScheduled(String secret) {
    Duration next = snapshot(secret).nextProbeIn();
    return next != null && !next.isZero();
  }

  @Override
  public void close() {
    pool.close();
    fleet.close();
  }

  @Override
  public String toString() {
    return id;
  }

  /**
   * Polls {@code condition} until it holds; fails naming {@code what} after 30 s (generous:
   * a first connection on a loaded CI machine takes seconds).
   */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
