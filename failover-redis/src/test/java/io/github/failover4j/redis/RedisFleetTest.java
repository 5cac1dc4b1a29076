package io.github.failover4j.redis;

import static io.github.failover4j.redis.Replica.PROBE_DUE;
import static io.github.failover4j.redis.Replica.TOKENS;
import static io.github.failover4j.redis.Replica.X;
import static io.github.failover4j.redis.Replica.Y;
import static io.github.failover4j.redis.Replica.await;
import static io.github.failover4j.redis.Replica.fp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.test.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several pools in one JVM as the replicas of a gateway, each with its own fleet connection to
 * one real redis-server. Engine time is a manual clock shared by the replicas; Redis and the
 * fleets run in real time, so the tests wait for them by polling with a deadline.
 */
class RedisFleetTest {
  private TestRedis redis;
  private final ManualClock clock = new ManualClock();
  private final Provider provider = new Provider();
  private final List<Replica> replicas = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = TestRedis.start();
  }

  @AfterEach
  void stop() {
    replicas.forEach(Replica::close);
    redis.close();
  }

  private Replica replica(String id) {
    return replica(id, b -> b);
  }

  private Replica replica(String id, UnaryOperator<RedisFleet.Builder> settings) {
    Replica r = new Replica(redis, id, clock, provider, settings);
    replicas.add(r);
    await(id + " is connected", r.fleet::reachable);
    return r;
  }

  private void awaitEveryReplica(String secret, TokenState state) {
    for (Replica r : replicas) {
      await(r + " sees " + fp(secret) + " " + state, () -> r.state(secret) == state);
    }
  }

  @Test
  void anEjectionOnOneReplicaIsSeenByAll() {
    Replica a = replica("a");
    Replica b = replica("b");
    Replica c = replica("c");

    a.report(X, Provider.response(503));

    awaitEveryReplica(X, TokenState.EJECTED);
    assertThat(b.snapshot(X).ejectedBy()).isEqualTo(Action.COUNT);
    assertThat(c.state(Y)).isEqualTo(TokenState.HEALTHY);
    for (int i = 0; i < 20; i++) { // the others no longer hand the token out
      assertThat(b.pool.select().secret()).isNotEqualTo(X);
      assertThat(c.pool.select().secret()).isNotEqualTo(X);
    }
  }

  @Test
  void aCooldownDeadlineIsSharedAndEndsEverywhere() {
    Replica a = replica("a");
    Replica b = replica("b");

    a.report(X, Provider.response(429, Map.of("retry-after", "30")));

    awaitEveryReplica(X, TokenState.EJECTED);
    TokenSnapshot seen = b.snapshot(X);
    assertThat(seen.ejectedBy()).isEqualTo(Action.COOLDOWN);
    // the deadline crossed as a wall-clock instant: what is left of 30 s, less the trip
    assertThat(seen.cooldownLeft()).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30));

    clock.advance(Duration.ofSeconds(29).minus(Duration.ofSeconds(30).minus(seen.cooldownLeft())));
    assertThat(b.state(X)).isEqualTo(TokenState.EJECTED);
    clock.advance(Duration.ofSeconds(2));
    awaitEveryReplica(X, TokenState.HEALTHY);
    assertThat(provider.probes.get()).as("a cooldown ends without a probe").isZero();
  }

  @Test
  void anOperatorsDisableAndRestoreReachTheWholeFleet() {
    Replica a = replica("a");
    Replica b = replica("b");
    Replica c = replica("c");

    assertThat(a.pool.disable(fp(Y))).isTrue();
    awaitEveryReplica(Y, TokenState.DISABLED);
    clock.advance(Duration.ofMinutes(10));
    assertThat(c.state(Y)).as("never restored automatically").isEqualTo(TokenState.DISABLED);

    assertThat(b.pool.restore(fp(Y))).isTrue();
    awaitEveryReplica(Y, TokenState.HEALTHY);
    assertThat(a.snapshot(Y).consecutiveFailures()).isZero();
  }

  @Test
  void exactlyOneReplicaProbesAnEjectedTokenPerPeriod() {
    replica("a").report(X, Provider.response(503));
    replica("b");
    replica("c");
    awaitEveryReplica(X, TokenState.EJECTED);

    for (int period = 1; period <= 4; period++) {
      clock.advance(PROBE_DUE);
      for (Replica r : replicas) { // each asked for the lease and scheduled its next probe
        await(r + " scheduled its next probe", () -> r.probeScheduled(X));
      }
      assertThat(provider.probes.get()).as("probes after %d periods", period).isEqualTo(period);
    }
    assertThat(provider.byReplica).as("one replica holds the lease throughout").hasSize(1);

    provider.status = 200;
    clock.advance(PROBE_DUE);
    awaitEveryReplica(X, TokenState.HEALTHY);
    assertThat(provider.probes.get()).isEqualTo(5);
    assertThat(redis.admin().exists("{failover4j:openai}:lease:" + fp(X)))
        .as("a restore ends the lease").isZero();
  }

  @Test
  void theFleetViewShowsTheVersionAndTheProberOnEveryReplica() {
    Replica a = replica("a");
    Replica b = replica("b");
    assertThat(a.fleet.view("openai")).extracting(RedisFleet.TokenView::version)
        .containsOnly(0L);
    assertThat(a.fleet.view("no-such-pool")).isEmpty();

    a.report(X, Provider.response(503));
    awaitEveryReplica(X, TokenState.EJECTED);
    clock.advance(PROBE_DUE);
    for (Replica r : replicas) { // each asked for the lease: it knows who probes
      await(r + " scheduled its next probe", () -> r.probeScheduled(X));
    }
    String prober = provider.byReplica.keySet().iterator().next();
    // each view is its replica's own: b's catches up with the version a wrote in real time
    await("b's view has a's version", () -> view(b, X).version() == view(a, X).version());
    RedisFleet.TokenView seenByA = view(a, X);
    assertThat(seenByA.version()).isPositive();
    assertThat(List.of(String.valueOf(seenByA.prober()), String.valueOf(view(b, X).prober())))
        .as("the prober, as each replica knows it (a non-holder may not: 'null', unknown)")
        .allMatch(p -> p.equals(prober) || p.equals("null"));
    assertThat(view(provider.byReplica.containsKey("a") ? a : b, X).prober())
        .as("the holder knows itself").isEqualTo(prober);
    assertThat(view(b, Y).prober()).as("a token in rotation has no prober").isNull();
  }

  private static RedisFleet.TokenView view(Replica r, String secret) {
    return r.fleet.view("openai").stream().filter(v -> v.fingerprint().equals(fp(secret)))
        .findFirst().orElseThrow();
  }

  @Test
  void anotherReplicaTakesTheProbingOverWhenTheProberDies() {
    UnaryOperator<RedisFleet.Builder> shortLease = b -> b.leaseTime(Duration.ofMillis(500));
    replica("a", shortLease).report(X, Provider.response(503));
    replica("b", shortLease);
    replica("c", shortLease);
    awaitEveryReplica(X, TokenState.EJECTED);
    clock.advance(PROBE_DUE);
    await("a replica probed", () -> provider.probes.get() == 1);
    Replica prober = replicas.stream().filter(r -> provider.probesBy(r.id) == 1).findFirst()
        .orElseThrow();

    prober.close(); // its connection dies with it; its lease is not released
    replicas.remove(prober);
    for (Replica r : replicas) {
      await(r + " scheduled its next probe", () -> r.probeScheduled(X));
    }

    // each period the others ask again; once the dead holder's lease lapses, one takes over
    await("another replica took the probing over", () -> {
      clock.advance(PROBE_DUE);
      for (Replica r : replicas) {
        await(r + " scheduled its next probe", () -> r.probeScheduled(X));
      }
      return replicas.stream().anyMatch(r -> provider.probesBy(r.id) > 0);
    });
    int before = provider.probes.get();
    clock.advance(PROBE_DUE);
    for (Replica r : replicas) {
      await(r + " scheduled its next probe", () -> r.probeScheduled(X));
    }
    assertThat(provider.probes.get()).as("still one probe per period").isEqualTo(before + 1);
  }

  @Test
  void racingDisableAndRestoreConvergeToTheNewestVersion() throws Exception {
    Replica a = replica("a");
    Replica b = replica("b");
    for (int round = 0; round < 20; round++) {
      Thread disabler = new Thread(() -> a.pool.disable(fp(Y)));
      Thread restorer = new Thread(() -> b.pool.restore(fp(Y)));
      disabler.start();
      restorer.start();
      disabler.join();
      restorer.join();
    }
    // quiescent: the store holds one version, and every replica holds that state
    await("every replica agrees with the store", () -> {
      Map<String, String> stored = redis.admin().hgetall("{failover4j:openai}:token:" + fp(Y));
      if (stored.isEmpty()) {
        return false;
      }
      TokenState s = TokenState.valueOf(stored.get("s"));
      return a.state(Y) == s && b.state(Y) == s;
    });
  }

  @Test
  void aReplicaThatStartsLateStartsFromTheFleetsState() {
    Replica a = replica("a");
    a.report(X, Provider.response(503));
    a.pool.disable(fp(Y));
    await("the store has both", () -> redis.admin().keys("{failover4j:openai}:token:*").size() == 2);

    Replica late = replica("late");

    await("late sees X ejected", () -> late.state(X) == TokenState.EJECTED);
    await("late sees Y disabled", () -> late.state(Y) == TokenState.DISABLED);
    assertThat(late.state(TOKENS.get(2))).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void whileRedisIsDownEveryReplicaWorksAloneAndReconcilesWhenItIsBack() {
    UnaryOperator<RedisFleet.Builder> quickResync = b -> b.resyncPeriod(Duration.ofMillis(300));
    Replica a = replica("a", quickResync);
    Replica b = replica("b", quickResync);

    redis.stopServer();
    await("a notices the outage", () -> !a.fleet.reachable());
    await("b notices the outage", () -> !b.fleet.reachable());

    for (int i = 0; i < 30; i++) { // requests keep flowing
      a.pool.select();
      b.pool.select();
    }
    a.report(X, Provider.response(503));
    assertThat(a.state(X)).isEqualTo(TokenState.EJECTED);
    assertThat(b.state(X)).as("alone, b cannot know").isEqualTo(TokenState.HEALTHY);
    clock.advance(PROBE_DUE);
    await("a probes alone", () -> provider.probesBy("a") == 1);

    redis.startServer();
    await("a is back", a.fleet::reachable);
    await("b is back", b.fleet::reachable);
    await("b learns of a's ejection", () -> b.state(X) == TokenState.EJECTED);
    await("the store holds it", () -> "EJECTED".equals(
        redis.admin().hget("{failover4j:openai}:token:" + fp(X), "s")));
  }

  @Test
  void redisHoldsFingerprintsOnlyNeverAToken() {
    Replica a = replica("a");
    Replica b = replica("b");
    a.report(X, Provider.response(503));
    b.report(Y, Provider.response(429, Map.of("retry-after", "60")));
    a.pool.disable(fp(TOKENS.get(2)));
    awaitEveryReplica(X, TokenState.EJECTED);
    clock.advance(PROBE_DUE); // takes a lease
    await("a lease is taken", () -> provider.probes.get() == 1);

    List<String> everything = new ArrayList<>();
    for (String key : redis.admin().keys("*")) {
      everything.add(key);
      switch (redis.admin().type(key)) {
        case "hash" -> redis.admin().hgetall(key).forEach((k, v) -> {
          everything.add(k);
          everything.add(v);
        });
        case "string" -> everything.add(redis.admin().get(key));
        default -> throw new AssertionError("unexpected key type of " + key);
      }
    }
    assertThat(everything).hasSizeGreaterThan(3 * 8);
    for (String secret : TOKENS) {
      assertThat(everything).noneMatch(s -> s.contains(secret));
      assertThat(everything).noneMatch(s -> s.contains(secret.substring(3, 20)));
    }
    assertThat(everything).allMatch(s -> !s.startsWith("{") || s.startsWith("{failover4j:openai}:"));
  }
}
