package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests, operators and the fleet change one pool at once: when it settles, the pool's
 * bookkeeping (how many tokens are out, which are selectable) is exact.
 */
class FleetConcurrencyTest {
  private static final int TOKENS = 4;
  private static final int REPORTERS = 4;
  private final ExecutorService executor = Executors.newFixedThreadPool(REPORTERS + 2);

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void localTransitionsAndFleetStatesRacingLeaveExactCounts() throws Exception {
    FleetTest.RecordingSync sync = new FleetTest.RecordingSync();
    String[] secrets = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      secrets[i] = "sk-race-00000000000000" + (10 + i);
    }
    TokenPool pool = TokenPool.builder("race").tokens(secrets)
        .config(FailoverConfig.builder().conditions(Condition.status(503))
            .whenAllEjected(WhenAllEjected.USE_ALL)
            .ejection(new EjectionPolicy(null, null, 25)).build()) // at most 1 of 4 by count
        .fleet(sync)
        .build();
    List<String> fps = pool.snapshot().stream().map(TokenSnapshot::fingerprint).toList();

    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < REPORTERS; t++) {
      int seed = t;
      done.add(executor.submit(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        go.await();
        for (int i = 0; i < 100_000; i++) {
          TokenHandle h;
          try {
            h = pool.select();
          } catch (NoHealthyTokenException everyTokenDisabled) {
            continue; // the operator and the fleet may disable all four at once
          }
          h.record(random.nextInt(3) == 0 ? Verdict.failure("x") : Verdict.SUCCESS);
        }
        return null;
      }));
    }
    done.add(executor.submit(() -> { // the fleet: states from other replicas
      SplittableRandom random = new SplittableRandom(99);
      TokenState[] states = TokenState.values();
      go.await();
      for (long v = 1; running.get(); v++) {
        sync.member.apply(new FleetState(fps.get(random.nextInt(TOKENS)),
            states[random.nextInt(states.length)], Action.COUNT, null, 0, false,
            Long.MAX_VALUE / 2 + v));
      }
      return null;
    }));
    done.add(executor.submit(() -> { // an operator
      SplittableRandom random = new SplittableRandom(7);
      go.await();
      while (running.get()) {
        String fp = fps.get(random.nextInt(TOKENS));
        if (random.nextBoolean()) {
          pool.disable(fp);
        } else {
          pool.restore(fp);
        }
      }
      return null;
    }));
    go.countDown();
    try {
      for (Future<?> reporter : done.subList(0, REPORTERS)) {
        reporter.get(60, TimeUnit.SECONDS); // rethrows what a thread threw
      }
    } finally {
      running.set(false);
    }
    for (Future<?> other : done.subList(REPORTERS, done.size())) {
      other.get(10, TimeUnit.SECONDS);
    }

    for (String fp : fps) {
      pool.restore(fp);
    }
    assertThat(pool.snapshot()).extracting(TokenSnapshot::state).containsOnly(TokenState.HEALTHY);
    assertThat(pool.healthyHandles()).hasSize(TOKENS);
    // nothing is counted as out: the limit (1 of 4) lets exactly one count-ejection through
    for (String secret : secrets) {
      TokenHandle h = handleOf(pool, secret);
      h.record(Verdict.failure("after"));
    }
    assertThat(pool.snapshot()).filteredOn(s -> s.state() == TokenState.EJECTED).hasSize(1);
    assertThat(sync.published).isNotEmpty();
  }

  private static TokenHandle handleOf(TokenPool pool, String secret) {
    for (int i = 0; i < 64; i++) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        return h;
      }
    }
    throw new AssertionError("not selectable");
  }
}
