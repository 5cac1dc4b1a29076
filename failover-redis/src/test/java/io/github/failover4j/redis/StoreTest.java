package io.github.failover4j.redis;

import static io.github.failover4j.redis.Replica.X;
import static io.github.failover4j.redis.Replica.await;
import static io.github.failover4j.redis.Replica.fp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.FleetState;
import io.github.failover4j.core.FleetSync;
import io.github.failover4j.core.TokenState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the store accepts and refuses, seen through {@link FleetSync}'s contract: the pool side
 * here is a plain recording member, so each write and its answer are observed one by one.
 */
class StoreTest {
  private static final String TOKEN_KEY = "{failover4j:openai}:token:" + fp(X);
  private static final String LEASE_KEY = "{failover4j:openai}:lease:" + fp(X);

  private TestRedis redis;
  private final List<RedisFleet> fleets = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = TestRedis.start();
  }

  @AfterEach
  void stop() {
    fleets.forEach(RedisFleet::close);
    redis.close();
  }

  /** A pool that records what the fleet tells it and knows what it was told. */
  static final class Member implements FleetSync.Member {
    final Map<String, FleetState> known = new ConcurrentHashMap<>();
    final List<FleetState> applied = new CopyOnWriteArrayList<>();
    final List<FleetState> overridden = new CopyOnWriteArrayList<>();

    @Override
    public String pool() {
      return "openai";
    }

    @Override
    public List<String> fingerprints() {
      return List.of(fp(X));
    }

    @Override
    public FleetState state(String fingerprint) {
      return known.get(fingerprint);
    }

    @Override
    public boolean apply(FleetState state) {
      FleetState k = known.get(state.fingerprint());
      if (k != null && k.version() >= state.version()) {
        return false;
      }
      known.put(state.fingerprint(), state);
      applied.add(state);
      return true;
    }

    @Override
    public void override(FleetState stored) {
      known.put(stored.fingerprint(), stored);
      overridden.add(stored);
    }

    /** A local transition: known here, then published. */
    void publish(FleetSync.Link link, FleetState state) {
      known.put(state.fingerprint(), state);
      link.publish(state);
    }
  }

  private FleetSync.Link join(String replica, Member member) {
    RedisFleet fleet = RedisFleet.builder(redis.uri()).replicaId(replica).build();
    fleets.add(fleet);
    await(replica + " is connected", fleet::reachable);
    return fleet.join(member);
  }

  /** Whether the fleet lets the replica of {@code link} probe X now. */
  private static boolean mayProbe(FleetSync.Link link) throws Exception {
    return link.mayProbe(fp(X)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static FleetState state(TokenState s, boolean byProbe, long version) {
    return new FleetState(fp(X), s, s == TokenState.EJECTED ? Action.COUNT : null,
        s == TokenState.EJECTED ? Instant.ofEpochMilli(1_900_000_000_000L) : null, 1, byProbe,
        version);
  }

  private String storedVersion() {
    return redis.admin().hget(TOKEN_KEY, "v");
  }

  @Test
  void aWriteOlderThanTheStoredVersionIsRefusedAndTheWriterTakesTheStoredState() {
    Member a = new Member();
    FleetSync.Link la = join("a", a);
    Member b = new Member();
    FleetSync.Link lb = join("b", b);

    a.publish(la, state(TokenState.EJECTED, false, 100));
    await("b applied version 100", () -> b.known.containsKey(fp(X)));
    assertThat(b.known.get(fp(X))).isEqualTo(state(TokenState.EJECTED, false, 100));
    Map<String, String> stored = redis.admin().hgetall(TOKEN_KEY);
    assertThat(stored).containsEntry("v", "100").containsEntry("s", "EJECTED")
        .containsEntry("a", "COUNT").containsEntry("u", "1900000000000")
        .containsEntry("l", "1").containsEntry("r", "a");
    assertThat(redis.admin().pttl(TOKEN_KEY)).as("a TTL").isPositive();

    b.known.clear(); // b believes an older state: its restore carries version 50
    b.publish(lb, state(TokenState.HEALTHY, false, 50));
    await("b was told the stored state", () -> b.applied.size() == 2);
    assertThat(b.applied.get(1)).isEqualTo(state(TokenState.EJECTED, false, 100));
    assertThat(storedVersion()).isEqualTo("100");

    b.publish(lb, state(TokenState.HEALTHY, false, 101)); // newer: accepted, seen by a
    await("a applied version 101", () -> a.applied.size() == 1);
    assertThat(a.applied.get(0).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(storedVersion()).isEqualTo("101");
  }

  @Test
  void aRestoreByProbeFromAReplicaWhoseLeaseLapsedIsRefused() throws Exception {
    Member a = new Member();
    FleetSync.Link la = join("a", a);
    Member b = new Member();
    FleetSync.Link lb = join("b", b);
    a.publish(la, state(TokenState.EJECTED, false, 10));
    await("b applied the ejection", () -> b.known.containsKey(fp(X)));

    assertThat(mayProbe(la)).isTrue();
    assertThat(mayProbe(lb))
        .as("one prober at a time").isFalse();
    assertThat(redis.admin().get(LEASE_KEY)).isEqualTo("a#1");
    assertThat(mayProbe(la))
        .as("the holder renews").isTrue();

    redis.admin().del(LEASE_KEY); // a's lease lapses (as when a stalls past the lease time)
    assertThat(mayProbe(lb)).isTrue();
    assertThat(redis.admin().get(LEASE_KEY)).as("a new fence").isEqualTo("b#2");

    a.publish(la, state(TokenState.HEALTHY, true, 11)); // a's probe passed, but too late
    await("a was overridden", () -> a.overridden.size() == 1);
    assertThat(a.overridden.get(0)).isEqualTo(state(TokenState.EJECTED, false, 10));
    assertThat(storedVersion()).isEqualTo("10");
    assertThat(b.applied).hasSize(1);

    b.publish(lb, state(TokenState.HEALTHY, true, 12)); // the holder's restore is accepted
    await("a applied b's restore", () -> a.applied.size() == 1);
    assertThat(storedVersion()).isEqualTo("12");
    assertThat(redis.admin().exists(LEASE_KEY)).as("a restore ends the lease").isZero();
  }

  @Test
  void aLeaseAskedForAfterTheTokenWasRestoredIsRefused() throws Exception {
    Member a = new Member();
    FleetSync.Link la = join("a", a);
    Member b = new Member();
    FleetSync.Link lb = join("b", b);
    a.publish(la, state(TokenState.EJECTED, false, 10));
    await("b applied the ejection", () -> b.known.containsKey(fp(X)));
    assertThat(mayProbe(lb)).isTrue();
    b.publish(lb, state(TokenState.HEALTHY, true, 11)); // b's probe passed: the lease ends
    await("a applied b's restore", () -> a.applied.size() == 1);
    assertThat(redis.admin().exists(LEASE_KEY)).isZero();

    // a's probe timer fired with b's; its request for the lease arrives only now
    assertThat(mayProbe(la))
        .as("no probe of a token back in rotation").isFalse();
    assertThat(redis.admin().exists(LEASE_KEY)).as("no lease started").isZero();
  }

  @Test
  void aPoolWhoseFleetClosedFirstWorksAlone() throws Exception {
    Member a = new Member();
    FleetSync.Link la = join("a", a);
    fleets.remove(0).close();
    la.publish(state(TokenState.EJECTED, false, 1)); // dropped, never blocks
    assertThat(mayProbe(la)).isTrue();
  }

  @Test
  void withoutRedisEveryReplicaMayProbe() throws Exception {
    Member a = new Member();
    FleetSync.Link la = join("a", a);
    Member b = new Member();
    FleetSync.Link lb = join("b", b);
    redis.stopServer();
    await("a notices", () -> !fleets.get(0).reachable());
    await("b notices", () -> !fleets.get(1).reachable());
    assertThat(mayProbe(la)).isTrue();
    assertThat(mayProbe(lb)).isTrue();
    redis.startServer();
  }
}
