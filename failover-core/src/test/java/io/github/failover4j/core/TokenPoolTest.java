package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static io.github.failover4j.core.PoolFixture.B;
import static io.github.failover4j.core.PoolFixture.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.spi.TokenEvent.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenPoolTest {
  private static final Verdict FAIL = Verdict.failure("test failure");

  private static FailoverConfig.Builder rules(int threshold) {
    return FailoverConfig.builder().failureThreshold(threshold).conditions(Condition.status(503));
  }

  @Test
  void roundRobinVisitsEveryHealthyTokenInTurn() {
    PoolFixture f = new PoolFixture(rules(1).build());
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(f.pool.select().secret());
    }
    assertThat(picks.subList(0, 3)).containsExactlyInAnyOrder(A, B, C);
    assertThat(picks.subList(3, 6)).isEqualTo(picks.subList(0, 3));
  }

  @Test
  void weightedSelectionFollowsWeights() {
    TokenPool pool = TokenPool.builder("w")
        .tokens(List.of(new TokenSpec(A, 5), new TokenSpec(B, 1), new TokenSpec(C, 2)))
        .config(rules(1).selection(SelectionStrategy.WEIGHTED).build())
        .build();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 800; i++) {
      counts.merge(pool.select().secret(), 1, Integer::sum);
    }
    assertThat(counts).containsEntry(A, 500).containsEntry(B, 100).containsEntry(C, 200);
  }

  @Test
  void smoothWheelInterleavesHeavyTokens() {
    assertThat(Healthy.wheel(List.of(5, 1, 1))).containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void randomSelectionReachesEveryToken() {
    TokenPool pool = TokenPool.builder("r").tokens(A, B, C)
        .config(rules(1).selection(SelectionStrategy.RANDOM).build()).build();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(pool.select().secret(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(3);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
  }

  @Test
  void ejectsAtExactlyTheThreshold() {
    PoolFixture f = new PoolFixture(rules(3).build());
    TokenHandle a = f.handleOf(A);
    a.record(FAIL);
    a.record(FAIL);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).consecutiveFailures()).isEqualTo(2);
    a.record(FAIL);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(f.kinds()).containsExactly(Kind.EJECTED);
    assertThat(f.events.get(0).reason()).isEqualTo("test failure");
    for (int i = 0; i < 30; i++) {
      assertThat(f.pool.select().secret()).isNotEqualTo(A);
    }
  }

  @Test
  void successResetsTheCount() {
    PoolFixture f = new PoolFixture(rules(3).build());
    TokenHandle a = f.handleOf(A);
    a.record(FAIL);
    a.record(FAIL);
    a.record(Verdict.SUCCESS);
    a.record(FAIL);
    a.record(FAIL);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void alternatingFailureAndSuccessNeverEjectsAtThresholdTwo() {
    PoolFixture f = new PoolFixture(rules(2).build());
    TokenHandle a = f.handleOf(A);
    for (int i = 0; i < 1000; i++) {
      a.record(FAIL);
      a.record(Verdict.SUCCESS);
    }
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).failures()).isEqualTo(1000);
    assertThat(f.events).isEmpty();
  }

  @Test
  void transportErrorsDoNotCount() {
    PoolFixture f = new PoolFixture(rules(1).build());
    TokenHandle a = f.handleOf(A);
    for (int i = 0; i < 10; i++) {
      a.record(Verdict.TRANSPORT_ERROR);
    }
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(s.requests()).isEqualTo(10);
    assertThat(s.failures()).isZero();
  }

  @Test
  void reportJudgesAndRecords() {
    PoolFixture f = new PoolFixture(rules(1).build());
    TokenHandle a = f.handleOf(A);
    assertThat(a.report(TestResponse.status(200)).outcome()).isEqualTo(Outcome.SUCCESS);
    Verdict v = a.report(TestResponse.status(503));
    assertThat(v.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(f.snapshotOf(A).lastFailureReason()).contains("503");
  }

  @Test
  void allEjectedFailsWithTypedExceptionCarryingEarliestReturn() {
    FailoverConfig config = rules(1).healthCheck(HealthCheck.of("m")).build();
    PoolFixture f = new PoolFixture(config, A, B);
    f.handleOf(A).record(FAIL);
    f.clock.advance(Duration.ofSeconds(3));
    f.handleOf(B).record(FAIL);
    assertThatThrownBy(f.pool::select)
        .isInstanceOfSatisfying(NoHealthyTokenException.class, e -> {
          assertThat(e.pool()).isEqualTo("test");
          // A was ejected 3 s before B: its first probe is 7–8 s away (10 s + up to 10%)
          assertThat(e.retryAfter()).hasValueSatisfying(d ->
              assertThat(d).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(8)));
          assertThat(e.retryAfterSeconds()).isBetween(7L, 8L);
        });
  }

  @Test
  void allEjectedWithoutRecoveryHasNoRetryAfter() {
    PoolFixture f = new PoolFixture(rules(1).build(), A);
    f.handleOf(A).record(FAIL);
    assertThatThrownBy(f.pool::select)
        .isInstanceOfSatisfying(NoHealthyTokenException.class,
            e -> assertThat(e.retryAfter()).isEmpty());
  }

  @Test
  void useAllSelectsAmongEjectedTokensButNotDisabledOnes() {
    PoolFixture f = new PoolFixture(rules(1).whenAllEjected(WhenAllEjected.USE_ALL).build());
    f.handleOf(A).record(FAIL);
    f.handleOf(B).record(FAIL);
    f.pool.disable(TokenSpec.of(C).fingerprint());
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      picks.add(f.pool.select().secret());
    }
    assertThat(picks).containsOnly(A, B).contains(A, B);
  }

  @Test
  void leastRecentlyEjectedPicksTheOldestEjection() {
    PoolFixture f = new PoolFixture(
        rules(1).whenAllEjected(WhenAllEjected.LEAST_RECENTLY_EJECTED).build());
    f.handleOf(B).record(FAIL);
    f.clock.advance(Duration.ofSeconds(1));
    f.handleOf(A).record(FAIL);
    f.clock.advance(Duration.ofSeconds(1));
    f.handleOf(C).record(FAIL);
    assertThat(f.pool.select().secret()).isEqualTo(B);
    assertThat(f.pool.select().secret()).isEqualTo(B);
  }

  @Test
  void lateReportAfterRestoreIsIgnored() {
    PoolFixture f = new PoolFixture(rules(2).build());
    TokenHandle stale = f.handleOf(A);
    stale.record(FAIL);
    stale.record(FAIL);
    assertThat(f.pool.restore(TokenSpec.of(A).fingerprint())).isTrue();
    // responses of requests sent before the ejection arrive now
    stale.record(FAIL);
    stale.record(FAIL);
    stale.record(FAIL);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).consecutiveFailures()).isZero();
    TokenHandle fresh = f.handleOf(A);
    fresh.record(FAIL);
    assertThat(f.snapshotOf(A).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void operatorDisableIsNeverUndoneAutomatically() {
    FailoverConfig config = rules(1).healthCheck(HealthCheck.of("m")).build();
    PoolFixture f = new PoolFixture(config);
    f.handleOf(A).record(FAIL);
    assertThat(f.pool.disable(TokenSpec.of(A).fingerprint())).isTrue();
    f.clock.advance(Duration.ofMinutes(5));
    assertThat(f.prober.requests).isEmpty();
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.DISABLED);
    assertThat(f.pool.disable(TokenSpec.of(A).fingerprint())).isFalse();
    assertThat(f.pool.restore(TokenSpec.of(A).fingerprint())).isTrue();
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.kinds()).containsExactly(Kind.EJECTED, Kind.DISABLED, Kind.RESTORED);
    assertThat(f.pool.restore(TokenSpec.of(A).fingerprint())).isFalse();
  }

  @Test
  void operatorActionsOnUnknownFingerprintFailClearly() {
    PoolFixture f = new PoolFixture(rules(1).build());
    assertThatThrownBy(() -> f.pool.disable("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope").hasMessageContaining("test");
  }

  @Test
  void cooldownRestoresWithoutProbe() {
    PoolFixture f = new PoolFixture(rules(1).cooldown(Duration.ofSeconds(30)).build());
    f.handleOf(A).record(FAIL);
    assertThat(f.snapshotOf(A).nextProbeIn()).isEqualTo(Duration.ofSeconds(30));
    f.clock.advance(Duration.ofSeconds(29));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.prober.requests).isEmpty();
    assertThat(f.kinds()).containsExactly(Kind.EJECTED, Kind.RESTORED);
  }

  @Test
  void snapshotReportsTotalsAndTimes() {
    PoolFixture f = new PoolFixture(rules(2).healthCheck(HealthCheck.of("m")).build());
    TokenHandle a = f.handleOf(A);
    a.record(Verdict.SUCCESS);
    a.record(FAIL);
    a.record(FAIL);
    f.clock.advance(Duration.ofSeconds(4));
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.id()).isEqualTo("sk-…1111");
    assertThat(s.state()).isEqualTo(TokenState.EJECTED);
    assertThat(s.requests()).isEqualTo(3);
    assertThat(s.failures()).isEqualTo(2);
    assertThat(s.ejections()).isEqualTo(1);
    assertThat(s.ejectedFor()).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.nextProbeIn()).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(7));
    assertThat(f.snapshotOf(B).ejectedFor()).isNull();
    assertThat(f.snapshotOf(B).nextProbeIn()).isNull();
  }

  @Test
  void reloadKeepsStateOfStayingTokensDropsRemovedAndAddsNew() {
    PoolFixture f = new PoolFixture(rules(2).healthCheck(HealthCheck.of("m")).build());
    TokenHandle a = f.handleOf(A);
    a.record(FAIL);
    a.record(FAIL); // A ejected, probe scheduled
    f.handleOf(B).record(FAIL); // B has one failure
    TokenHandle c = f.handleOf(C);
    c.record(FAIL);
    c.record(FAIL); // C ejected, probe scheduled
    String d = "sk-test-dddddddddddd4444";

    f.pool.reload(List.of(TokenSpec.of(A), TokenSpec.of(B), TokenSpec.of(d)),
        rules(3).healthCheck(HealthCheck.of("m")).build());

    assertThat(f.pool.snapshot()).extracting(TokenSnapshot::id)
        .containsExactly("sk-…1111", "sk-…2222", "sk-…4444");
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(f.snapshotOf(B).consecutiveFailures()).isEqualTo(1);
    assertThat(f.snapshotOf(d).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.pool.config().failure().failureThreshold()).isEqualTo(3);
    // C's probe was cancelled: only A is probed
    f.clock.advance(Duration.ofSeconds(11));
    assertThat(f.prober.requests).hasSize(1);
    assertThat(f.prober.requests.get(0).headers()).containsEntry("Authorization", "Bearer " + A);
    // a late report about removed C changes nothing
    c.record(FAIL);
    assertThat(f.pool.snapshot()).hasSize(3);
    for (int i = 0; i < 10; i++) {
      assertThat(f.pool.select().secret()).isIn(B, d);
    }
  }

  @Test
  void reloadRejectsDuplicateTokensWithoutShowingThem() {
    PoolFixture f = new PoolFixture(rules(1).build());
    assertThatThrownBy(() -> f.pool.reload(List.of(TokenSpec.of(A), TokenSpec.of(A)),
        rules(1).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sk-…1111")
        .hasMessageNotContaining(A);
  }

  @Test
  void builderNamesWhatIsMissing() {
    assertThatThrownBy(() -> TokenPool.builder("x").tokens(A)
        .config(rules(1).healthCheck(HealthCheck.of("m")).build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("prober").hasMessageContaining("upstream")
        .hasMessageContaining("scheduler");
  }

  @Test
  void listenerExceptionsDoNotBreakThePool() {
    TokenPool pool = TokenPool.builder("l").tokens(A, B).config(rules(1).build())
        .listener(e -> {
          throw new IllegalStateException("boom");
        })
        .build();
    TokenHandle h = pool.select();
    h.record(FAIL);
    assertThat(pool.snapshot()).extracting(TokenSnapshot::state)
        .contains(TokenState.EJECTED, TokenState.HEALTHY);
  }

  @Test
  void registryKeepsPoolsApart() {
    try (FailoverRegistry registry = new FailoverRegistry()) {
      TokenPool one = registry.register(TokenPool.builder("one").tokens(A).config(rules(1).build())
          .build());
      TokenPool two = registry.register(TokenPool.builder("two").tokens(A).config(rules(1).build())
          .build());
      one.select().record(FAIL);
      assertThat(one.snapshot().get(0).state()).isEqualTo(TokenState.EJECTED);
      assertThat(two.snapshot().get(0).state()).isEqualTo(TokenState.HEALTHY);
      assertThat(registry.pool("two")).isSameAs(two);
      assertThatThrownBy(() -> registry.pool("three")).hasMessageContaining("[one, two]");
      assertThatThrownBy(() -> registry.register(TokenPool.builder("one").tokens(B)
          .config(rules(1).build()).build())).hasMessageContaining("already registered");
    }
  }
}
