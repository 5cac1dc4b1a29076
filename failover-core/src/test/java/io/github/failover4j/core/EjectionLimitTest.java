package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** maxEjectionPercent: count ejections stop at the limit, with one provider-level event. */
class EjectionLimitTest {
  private static final Verdict FAIL = Verdict.failure("x");

  private static List<String> tokens(int n) {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      t.add("sk-limit-0000000000" + (10 + i));
    }
    return t;
  }

  @Test
  void countEjectionsStopAtTheLimitAndTheProviderEventIsToldOnce() {
    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    TokenPool pool = TokenPool.builder("p").tokens(tokens(4).toArray(String[]::new))
        .config(FailoverConfig.builder().conditions(Condition.status(503),
                Condition.status(401).withAction(Action.EJECT))
            .ejection(new EjectionPolicy(null, null, 50)).build())
        .listener(events::add).build();
    for (int i = 0; i < 40; i++) {
      pool.select().record(FAIL); // the whole provider fails
    }
    assertThat(pool.snapshot()).filteredOn(s -> s.state() == TokenState.EJECTED).hasSize(2);
    assertThat(events).filteredOn(e -> e.kind() == Kind.EJECTED).hasSize(2);
    assertThat(events).filteredOn(e -> e.kind() == Kind.EJECTION_LIMITED).hasSize(1);
    assertThat(events.stream().filter(e -> e.kind() == Kind.EJECTION_LIMITED).findFirst()
        .orElseThrow().reason()).contains("50%").contains("2 of 4");
    // an eject action is not held back by the limit: the key itself is bad
    pool.select().record(Verdict.of(Action.EJECT, "401"));
    assertThat(pool.snapshot()).filteredOn(s -> s.state() == TokenState.EJECTED).hasSize(3);
  }

  @Test
  void aRestoreFreesAPlaceAndReArmsTheEvent() {
    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    TokenPool pool = TokenPool.builder("p").tokens(tokens(2).toArray(String[]::new))
        .config(FailoverConfig.builder().conditions(Condition.status(503))
            .ejection(new EjectionPolicy(null, null, 50)).build())
        .listener(events::add).build();
    for (int i = 0; i < 4; i++) {
      pool.select().record(FAIL);
    }
    TokenSnapshot out = pool.snapshot().stream()
        .filter(s -> s.state() == TokenState.EJECTED).findFirst().orElseThrow();
    pool.restore(out.fingerprint());
    for (int i = 0; i < 4; i++) {
      pool.select().record(FAIL);
    }
    assertThat(pool.snapshot()).filteredOn(s -> s.state() == TokenState.EJECTED).hasSize(1);
    assertThat(events).filteredOn(e -> e.kind() == Kind.EJECTION_LIMITED).hasSize(2);
  }

  @Test
  void theLimitHoldsUnderManyThreads() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 200; round++) {
        AtomicInteger maxOut = new AtomicInteger();
        AtomicInteger ejected = new AtomicInteger();
        TokenPool pool = TokenPool.builder("p").tokens(tokens(10).toArray(String[]::new))
            .config(FailoverConfig.builder().failureThreshold(2)
                .conditions(Condition.status(503))
                .whenAllEjected(WhenAllEjected.USE_ALL)
                .ejection(new EjectionPolicy(null, null, 30)).build())
            .listener(e -> {
              if (e.kind() == Kind.EJECTED) {
                maxOut.accumulateAndGet(ejected.incrementAndGet(), Math::max);
              }
            })
            .build();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          done.add(executor.submit(() -> {
            go.await();
            for (int i = 0; i < 50; i++) {
              pool.select().record(FAIL);
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(pool.snapshot()).filteredOn(s -> s.state() == TokenState.EJECTED)
            .as("round %d", round).hasSize(3);
        assertThat(maxOut.get()).isEqualTo(3);
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
