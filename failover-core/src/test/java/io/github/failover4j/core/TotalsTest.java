package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static io.github.failover4j.core.PoolFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.TokenSnapshot.Cause;
import io.github.failover4j.fixtures.TalliedRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The monotonic totals of a token's snapshot that metrics read (SPEC §4.9): restores, probes by
 * result, failure matches by condition and action.
 */
class TotalsTest {
  private static FailoverConfig rules() {
    return TalliedRules.config();
  }

  @Test
  void failureMatchesAreTalliedByConditionIndexAndAction() {
    PoolFixture f = new PoolFixture(rules());
    TokenHandle a = f.handleOf(A);
    a.report(TestResponse.status(404));
    a.report(TestResponse.status(404));
    a.report(TestResponse.status(503));
    a.report(TestResponse.status(200));
    a.record(Verdict.failure("custom check"));
    a.report(TestResponse.status(401)); // ejects at once

    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.failuresByCause()).containsExactlyInAnyOrderEntriesOf(Map.of(
        new Cause(0, Action.IGNORE), 2L,
        new Cause(2, Action.COUNT), 1L,
        new Cause(Cause.CUSTOM, Action.COUNT), 1L,
        new Cause(1, Action.EJECT), 1L));
    assertThat(s.failures(new Cause(1, Action.EJECT))).isEqualTo(1);
    assertThat(s.failures(new Cause(1, Action.COUNT))).isZero();
    // ignored matches are tallied by cause but are no failures of the token
    assertThat(s.failures()).isEqualTo(3);
    assertThat(s.requests()).isEqualTo(6);
    assertThat(f.snapshotOf(B).failuresByCause()).isEmpty();
  }

  @Test
  void restoresAndProbeResultsAreCounted() {
    PoolFixture f = new PoolFixture(rules());
    f.handleOf(A).report(TestResponse.status(401));
    f.clock.advance(TalliedRules.WITH_JITTER);
    f.prober.answer(TestResponse.status(500)); // fails
    f.clock.advance(TalliedRules.WITH_JITTER);
    f.prober.answer(TestResponse.status(200)); // passes, restores
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(s).extracting(TokenSnapshot::probes, TokenSnapshot::probesPassed,
        TokenSnapshot::probesFailed, TokenSnapshot::ejections, TokenSnapshot::restores)
        .containsExactly(2L, 1L, 1L, 1L, 1L);

    // an operator's restore counts too; a probe in flight then is abandoned, not counted
    f.handleOf(A).report(TestResponse.status(401));
    f.clock.advance(TalliedRules.WITH_JITTER);
    assertThat(f.prober.inFlight()).isEqualTo(1);
    assertThat(f.pool.restore(s.fingerprint())).isTrue();
    f.prober.answer(TestResponse.status(200));
    s = f.snapshotOf(A);
    assertThat(s).extracting(TokenSnapshot::probes, TokenSnapshot::probesPassed,
        TokenSnapshot::probesFailed, TokenSnapshot::ejections, TokenSnapshot::restores)
        .containsExactly(3L, 1L, 1L, 2L, 2L);
  }

  @Test
  void causeTotalsStayMonotonicAcrossAReloadThatAddsConditions() {
    PoolFixture f = new PoolFixture(rules());
    f.handleOf(A).report(TestResponse.status(503));
    f.pool.reload(List.of(TokenSpec.of(A), TokenSpec.of(B)), TalliedRules.withOneMoreCondition());
    TokenHandle a = f.handleOf(A);
    a.report(TestResponse.status(500));
    a.report(TestResponse.status(200));
    a.report(TestResponse.status(503));
    assertThat(f.snapshotOf(A).failuresByCause()).containsExactlyInAnyOrderEntriesOf(Map.of(
        new Cause(2, Action.COUNT), 2L, new Cause(3, Action.COUNT), 1L));
  }

  @Test
  void talliesFromManyThreadsAddUp() throws Exception {
    PoolFixture f = new PoolFixture(FailoverConfig.builder().failureThreshold(1_000_000)
        .conditions(Condition.status(404).withAction(Action.IGNORE), Condition.status(503))
        .build(), A);
    int threads = 4;
    int each = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int status = t % 2 == 0 ? 404 : 503;
        done.add(pool.submit(() -> {
          start.await();
          TokenHandle a = f.pool.select();
          for (int i = 0; i < each; i++) {
            a.report(TestResponse.status(status));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> d : done) {
        d.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.failuresByCause()).containsExactlyInAnyOrderEntriesOf(Map.of(
        new Cause(0, Action.IGNORE), 2L * each, new Cause(1, Action.COUNT), 2L * each));
    assertThat(s.requests()).isEqualTo((long) threads * each);
    assertThat(s.failures()).isEqualTo(2L * each);
  }

  @Test
  void oneTokenSnapshotByFingerprint() {
    PoolFixture f = new PoolFixture(rules());
    f.handleOf(B).report(TestResponse.status(503));
    String fp = TokenSpec.of(B).fingerprint();
    assertThat(f.pool.snapshot(fp)).hasValueSatisfying(s -> {
      assertThat(s.id()).isEqualTo(TokenSpec.of(B).id());
      assertThat(s.consecutiveFailures()).isEqualTo(1);
      assertThat(s).isEqualTo(f.snapshotOf(B));
    });
    assertThat(f.pool.snapshot("000000000000")).isEmpty();
  }

  @Test
  void aCauseIsAnIndexOrCustom() {
    assertThatThrownBy(() -> new Cause(-2, Action.COUNT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
  }
}
