package io.github.failover4j.redis;

import static io.github.failover4j.redis.Replica.X;
import static io.github.failover4j.redis.Replica.Y;
import static io.github.failover4j.redis.Replica.Z;
import static io.github.failover4j.redis.Replica.await;
import static io.github.failover4j.redis.Replica.fp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import io.github.failover4j.spi.Transport;
import io.github.failover4j.test.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/fleet.md's Java examples, verbatim (DocsTest checks it), run against a real
 * redis-server that requires a password, as the examples' URIs do.
 */
class DocsExampleTest {
  private static final String PASSWORD = "s3cret-fleet-password";

  private TestRedis redis;
  private final ManualClock clock = new ManualClock();
  private final Provider provider = new Provider();
  private final String[] keys = {X, Y, Z};
  private final URI upstream = URI.create("http://127.0.0.1:9/");
  /** What the pool uses anyway: probes go to the fake provider, time is the manual clock. */
  private final Transport transport = new Transport() {
    @Override
    public ProbeTransport prober() {
      return provider.prober("docs");
    }

    @Override
    public Scheduler scheduler() {
      return clock;
    }

    @Override
    public Ticker ticker() {
      return clock;
    }

    @Override
    public void close() {}
  };

  @BeforeEach
  void startRedis() {
    redis = TestRedis.startWithPassword(PASSWORD);
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  /** Three 503s in a row on {@code secret}: the recommended rules eject it. */
  private static void failThreeTimes(TokenPool pool, String secret) {
    for (int failures = 0; failures < 3; ) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        h.report(Provider.response(503));
        failures++;
      } else {
        h.report(Provider.response(200));
      }
    }
  }

  private String storedState(String prefix, String secret) {
    return redis.admin().hget("{" + prefix + ":openai}:token:" + fp(secret), "s");
  }

  @Test
  void connectAttachAndClose() {
    String redisUri = redis.uri();

    RedisFleet fleet = RedisFleet.connect(redisUri);   // e.g. "redis://:secret@redis.internal:6379"

    TokenPool pool = TokenPool.builder("openai")         // pools are shared by name
        .tokens(keys)
        .upstream(upstream)
        .transport(transport)
        .fleet(fleet)
        .build();

    await("the fleet is connected", fleet::reachable);
    assertThat(fleet.replicaId()).matches("r-[0-9a-f]{8}");
    assertThat(fleet.toString()).doesNotContain(PASSWORD);
    failThreeTimes(pool, Y);
    assertThat(pool.snapshot()).filteredOn(s -> s.fingerprint().equals(fp(Y)))
        .singleElement().extracting(s -> s.state()).isEqualTo(TokenState.EJECTED);
    await("Redis holds the ejection", () -> "EJECTED".equals(storedState("failover4j", Y)));

    pool.close();
    fleet.close();                                   // after the pools that use it
  }

  @Test
  void theBuilderWithEverySetting() {
    String redisUri = redis.uri();

    RedisFleet fleet = RedisFleet.builder(redisUri)   // e.g. "rediss://app:secret@redis.internal:6380/0"
        .prefix("failover4j")              // first part of every key; default failover4j
        .replicaId("gw-eu-1")              // default: r- and 8 random hex digits
        .resyncPeriod(Duration.ofSeconds(10))   // full re-read of every pool; default 10 s
        .leaseTime(Duration.ofSeconds(30))      // probe lease; default 30 s
        .stateTtl(Duration.ofDays(1))           // state outlives its last replica by this; default 1 day
        .commandTimeout(Duration.ofSeconds(2))  // a slower Redis counts as down; default 2 s
        .cluster(false)                         // true: the URI names a node of a Redis Cluster
        .build();

    try (fleet;
        TokenPool pool = TokenPool.builder("openai").tokens(keys).upstream(upstream)
            .transport(transport).fleet(fleet).build()) {
      await("the fleet is connected", fleet::reachable);
      assertThat(fleet.replicaId()).isEqualTo("gw-eu-1");
      failThreeTimes(pool, X);
      await("Redis holds the ejection", () -> "EJECTED".equals(storedState("failover4j", X)));
      String key = "{failover4j:openai}:token:" + fp(X);
      Map<String, String> stored = redis.admin().hgetall(key);
      assertThat(stored).containsEntry("r", "gw-eu-1");
      long ttl = redis.admin().ttl(key);
      assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofDays(1).toSeconds());
    }
  }
}
