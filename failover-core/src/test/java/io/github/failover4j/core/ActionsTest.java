package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static io.github.failover4j.core.PoolFixture.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.spi.TokenEvent.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-condition actions (SPEC §6): count, eject, cooldown, ignore; first match wins. */
class ActionsTest {

  private static FailoverConfig.Builder rules(Condition... conditions) {
    return FailoverConfig.builder().failureThreshold(3).conditions(conditions);
  }

  private static final Condition[] TAXONOMY = {
    Condition.status(400, 404, 413).withAction(Action.IGNORE),
    Condition.status(401, 402).withAction(Action.EJECT),
    Condition.status(429).withCooldown(new CooldownRule(List.of("retry-after"),
        Duration.ofSeconds(30), Duration.ofMinutes(10))),
    Condition.status(500, 502, 503),
  };

  @Test
  void ignoreMovesNoCounterAndIsNotRetried() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).build());
    TokenHandle a = f.handleOf(A);
    a.record(Verdict.failure("x"));
    for (int i = 0; i < 10; i++) {
      Verdict v = a.report(TestResponse.status(404));
      assertThat(v.outcome()).isEqualTo(Outcome.IGNORED);
      assertThat(RetryPolicy.of(3).retries(v, 404)).isFalse();
    }
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.consecutiveFailures()).isEqualTo(1); // not reset either
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void fallbackIsAFailureOfTheRequestThatNeverChargesTheKey() {
    PoolFixture f = new PoolFixture(rules(Condition.status(400)
        .withBody("context_length_exceeded").withAction(Action.FALLBACK),
        Condition.status(503)).failureThreshold(1).build());
    TokenHandle a = f.handleOf(A);
    for (int i = 0; i < 5; i++) {
      Verdict v = a.report(TestResponse.status(400).body("{\"code\":\"context_length_exceeded\"}"));
      assertThat(v.outcome()).isEqualTo(Outcome.FAILURE);
      assertThat(v.action()).isEqualTo(Action.FALLBACK);
      // a lone pool has nowhere to fall back to, and another key would fail the same way
      assertThat(RetryPolicy.of(3).retries(v, 400)).isFalse();
    }
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(s.consecutiveFailures()).isZero();
    assertThat(s.failures()).isZero();
    assertThat(s.lastFailureReason()).isEmpty();
    assertThat(f.events).isEmpty();
  }

  @Test
  void ejectTakesTheTokenOutAtOnce() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).healthCheck(HealthCheck.of("m")).build());
    Verdict v = f.handleOf(A).report(TestResponse.status(401));
    assertThat(v.action()).isEqualTo(Action.EJECT);
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.state()).isEqualTo(TokenState.EJECTED);
    assertThat(s.ejectedBy()).isEqualTo(Action.EJECT);
    // recovered by probes like any ejection
    f.clock.advance(Duration.ofSeconds(11));
    assertThat(f.prober.requests).hasSize(1);
  }

  @Test
  void cooldownRestoresAtTheDeadlineWithoutProbe() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).healthCheck(HealthCheck.of("m")).build());
    f.handleOf(A).report(TestResponse.status(429).header("Retry-After", "120"));
    TokenSnapshot s = f.snapshotOf(A);
    assertThat(s.state()).isEqualTo(TokenState.EJECTED);
    assertThat(s.ejectedBy()).isEqualTo(Action.COOLDOWN);
    assertThat(s.cooldownLeft()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.nextProbeIn()).isEqualTo(Duration.ofSeconds(120));
    f.clock.advance(Duration.ofSeconds(119));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.prober.requests).isEmpty();
    assertThat(f.kinds()).containsExactly(Kind.EJECTED, Kind.RESTORED);
  }

  @Test
  void cooldownWithoutHeaderUsesTheDefaultAndIsCapped() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).build());
    f.handleOf(A).report(TestResponse.status(429));
    assertThat(f.snapshotOf(A).cooldownLeft()).isEqualTo(Duration.ofSeconds(30));
    f.handleOf(B).report(TestResponse.status(429).header("retry-after", "86400"));
    assertThat(f.snapshotOf(B).cooldownLeft()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void malformedHeaderFallsBackToTheDefault() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).build());
    f.handleOf(A).report(TestResponse.status(429).header("Retry-After", "soon-ish"));
    assertThat(f.snapshotOf(A).cooldownLeft()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void deadlinesOnlyMoveLater() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).build());
    TokenHandle a = f.handleOf(A);
    a.report(TestResponse.status(429).header("Retry-After", "60"));
    // in-flight responses arrive: a shorter wait never pulls the deadline in
    a.report(TestResponse.status(429).header("Retry-After", "5"));
    assertThat(f.snapshotOf(A).cooldownLeft()).isEqualTo(Duration.ofSeconds(60));
    f.clock.advance(Duration.ofSeconds(10));
    // a longer one pushes it out
    a.report(TestResponse.status(429).header("Retry-After", "100"));
    assertThat(f.snapshotOf(A).cooldownLeft()).isEqualTo(Duration.ofSeconds(100));
    f.clock.advance(Duration.ofSeconds(99));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.kinds()).containsExactly(Kind.EJECTED, Kind.RESTORED);
  }

  @Test
  void cooldownReportedOnACountEjectedTokenHoldsBackItsProbeRestore() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).healthCheck(HealthCheck.of("m")).build());
    TokenHandle a = f.handleOf(A);
    for (int i = 0; i < 3; i++) {
      a.report(TestResponse.status(503));
    }
    a.report(TestResponse.status(429).header("Retry-After", "300"));
    f.clock.advance(Duration.ofSeconds(11));
    f.prober.answer(TestResponse.status(200));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    f.clock.advance(Duration.ofSeconds(300));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void firstMatchingConditionWinsInListOrder() {
    Condition ignoreContextLength = new Condition(Set.of(400), List.of(),
        "context_length_exceeded", Action.IGNORE, null);
    Condition ejectAny4xx = new Condition(Set.of(400, 401), List.of(), null, Action.EJECT, null);
    PoolFixture f = new PoolFixture(rules(ignoreContextLength, ejectAny4xx).build());
    Verdict v = f.handleOf(A).report(
        TestResponse.status(400).body("{\"code\":\"context_length_exceeded\"}"));
    assertThat(v.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.handleOf(A).report(TestResponse.status(400).body("{}")).action())
        .isEqualTo(Action.EJECT);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
  }

  @Test
  void cooldownRecordedWithoutAResponseUsesTheRuleDefault() {
    PoolFixture f = new PoolFixture(rules(TAXONOMY).build());
    f.handleOf(A).record(Verdict.of(Action.COOLDOWN, "custom"));
    assertThat(f.snapshotOf(A).cooldownLeft()).isEqualTo(Duration.ofSeconds(30));
  }
}
