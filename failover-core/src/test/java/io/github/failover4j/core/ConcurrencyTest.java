package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.test.ManualClock;
import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenEvent.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads on one pool: the state machine's invariants hold under any interleaving. */
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final Verdict FAIL = Verdict.failure("stress");
  private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Threads released together each report one failure on the same token. */
  private int raceFailures(int threshold, int reporters) throws Exception {
    AtomicInteger ejections = new AtomicInteger();
    TokenPool pool = TokenPool.builder("race").tokens("sk-race-0000000000000001")
        .config(FailoverConfig.builder().failureThreshold(threshold)
            .conditions(Condition.status(503)).build())
        .listener(e -> {
          if (e.kind() == Kind.EJECTED) {
            ejections.incrementAndGet();
          }
        })
        .build();
    TokenHandle handle = pool.select();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < reporters; i++) {
      done.add(executor.submit(() -> {
        go.await();
        handle.record(FAIL);
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(10, TimeUnit.SECONDS);
    }
    TokenSnapshot s = pool.snapshot().get(0);
    assertThat(s.ejections()).isEqualTo(ejections.get());
    if (ejections.get() == 0) {
      assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(s.consecutiveFailures()).isEqualTo(reporters);
    }
    return ejections.get();
  }

  @Test
  void exactlyOneWinnerWhenRacingFailuresReachTheThreshold() throws Exception {
    for (int round = 0; round < 300; round++) {
      assertThat(raceFailures(4, THREADS)).as("round %d", round).isEqualTo(1);
      assertThat(raceFailures(THREADS, THREADS)).as("round %d", round).isEqualTo(1);
    }
  }

  @Test
  void neverEjectedBeforeTheThresholdUnderRacingFailures() throws Exception {
    for (int round = 0; round < 300; round++) {
      assertThat(raceFailures(THREADS, THREADS - 1)).as("round %d", round).isZero();
    }
  }

  @Test
  void invariantsHoldUnderMillionsOfRandomReports() throws Exception {
    int threshold = 3;
    int tokens = 4;
    ManualClock clock = new ManualClock();
    Map<Kind, LongAdder> events = new ConcurrentHashMap<>();
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < tokens; i++) {
      secrets.add("sk-stress-00000000000" + i);
    }
    TokenPool pool = TokenPool.builder("stress")
        .tokens(secrets.toArray(String[]::new))
        .config(FailoverConfig.builder().failureThreshold(threshold)
            .conditions(Condition.status(503))
            .whenAllEjected(WhenAllEjected.USE_ALL)
            .cooldown(Duration.ofMillis(1)).build())
        .scheduler(clock).ticker(clock)
        .listener(e -> events.computeIfAbsent(e.kind(), k -> new LongAdder()).increment())
        .build();

    int perThread = 2_000_000 / THREADS;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = t;
      done.add(executor.submit(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        go.await();
        for (int i = 0; i < perThread; i++) {
          TokenHandle h = pool.select();
          h.record(random.nextInt(100) < 30 ? FAIL : Verdict.SUCCESS);
          if ((i & 1023) == 0) {
            clock.advance(Duration.ofMillis(1)); // restores run concurrently with reports
          }
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }

    long ejected = count(events, Kind.EJECTED);
    long restored = count(events, Kind.RESTORED);
    List<TokenSnapshot> snapshot = pool.snapshot();
    long stillOut = snapshot.stream().filter(s -> s.state() == TokenState.EJECTED).count();
    assertThat(ejected).isPositive();
    // one event per ejection, and every ejection is either restored or still out
    assertThat(snapshot.stream().mapToLong(TokenSnapshot::ejections).sum()).isEqualTo(ejected);
    assertThat(ejected).isEqualTo(restored + stillOut);
    // every ejection consumed at least `threshold` failures
    for (TokenSnapshot s : snapshot) {
      assertThat(s.failures()).isGreaterThanOrEqualTo(s.ejections() * threshold);
      if (s.state() == TokenState.HEALTHY) {
        assertThat(s.consecutiveFailures()).isLessThan(threshold);
      } else {
        assertThat(s.consecutiveFailures()).isEqualTo(threshold);
      }
    }
    assertThat(snapshot.stream().mapToLong(TokenSnapshot::requests).sum())
        .isEqualTo((long) perThread * THREADS);

    // once quiescent, selection sees exactly the HEALTHY tokens
    Set<String> healthy = new HashSet<>();
    for (TokenSnapshot s : snapshot) {
      if (s.state() == TokenState.HEALTHY) {
        healthy.add(s.fingerprint());
      }
    }
    if (!healthy.isEmpty()) {
      Set<String> selected = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        selected.add(pool.select().fingerprint());
      }
      assertThat(selected).isEqualTo(healthy);
    }
    // and after the last cooldown every token is back
    clock.advance(Duration.ofMillis(2));
    assertThat(pool.snapshot()).extracting(TokenSnapshot::state).containsOnly(TokenState.HEALTHY);
    assertThat(count(events, Kind.RESTORED)).isEqualTo(ejected);
  }

  private static long count(Map<TokenEvent.Kind, LongAdder> events, Kind kind) {
    LongAdder a = events.get(kind);
    return a == null ? 0 : a.sum();
  }
}
