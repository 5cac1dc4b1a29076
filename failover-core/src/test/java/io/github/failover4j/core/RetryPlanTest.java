package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static io.github.failover4j.core.PoolFixture.B;
import static io.github.failover4j.core.PoolFixture.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPlanTest {
  private static final Verdict FAIL = Verdict.failure("test failure");

  private static PoolFixture fixture(RetryPolicy retry) {
    return new PoolFixture(FailoverConfig.builder().failureThreshold(2)
        .conditions(Condition.status(429, 503)).retry(retry).build());
  }

  @Test
  void retriesOnTokensNotYetTried() {
    PoolFixture f = fixture(RetryPolicy.of(5));
    RetryPlan plan = RetryPlan.of(f.pool);
    Set<String> tried = new HashSet<>();
    TokenHandle h = plan.first();
    while (h != null) {
      assertThat(tried.add(h.secret())).isTrue();
      h.record(FAIL);
      assertThat(plan.shouldRetry(FAIL, 503)).isTrue();
      h = plan.next();
    }
    assertThat(tried).containsExactlyInAnyOrder(A, B, C);
    assertThat(plan.attempts()).isEqualTo(3);
    assertThat(f.pool.snapshot()).extracting(TokenSnapshot::consecutiveFailures)
        .containsOnly(1);
  }

  @Test
  void mayRetryFailureLooksAheadWithoutTakingAToken() {
    PoolFixture f = fixture(new RetryPolicy(5, Set.of(429), null, true));
    RetryPlan plan = RetryPlan.of(f.pool);
    plan.first();
    assertThat(plan.mayRetryFailure(429)).isTrue();
    assertThat(plan.mayRetryFailure(503)).isFalse();
    assertThat(plan.attempts()).isEqualTo(1);
    plan.next();
    plan.next();
    assertThat(plan.mayRetryFailure(429)).isFalse(); // all three tried
  }

  @Test
  void lookingAheadDoesNotSkewRoundRobin() {
    String d = "sk-test-dddddddddddd4444";
    PoolFixture f = new PoolFixture(FailoverConfig.builder().failureThreshold(2)
        .conditions(Condition.status(503)).retry(RetryPolicy.of(2)).build(), A, B, C, d);
    java.util.Map<String, Integer> firsts = new java.util.HashMap<>();
    for (int i = 0; i < 400; i++) {
      RetryPlan plan = RetryPlan.of(f.pool);
      firsts.merge(plan.first().secret(), 1, Integer::sum);
      plan.mayRetryFailure(503); // as an adapter asks before reading a body
    }
    assertThat(firsts).containsEntry(A, 100).containsEntry(B, 100).containsEntry(C, 100)
        .containsEntry(d, 100);
  }

  @Test
  void stopsAfterMaxRetries() {
    PoolFixture f = fixture(RetryPolicy.of(1));
    RetryPlan plan = RetryPlan.of(f.pool);
    plan.first();
    assertThat(plan.next()).isNotNull();
    assertThat(plan.shouldRetry(FAIL, 503)).isFalse();
    assertThat(plan.next()).isNull();
  }

  @Test
  void successIsNotRetriedAndStatusListNarrowsRetries() {
    PoolFixture f = fixture(new RetryPolicy(2, Set.of(429), null, false));
    RetryPlan plan = RetryPlan.of(f.pool);
    plan.first();
    assertThat(plan.shouldRetry(Verdict.SUCCESS, 200)).isFalse();
    assertThat(plan.shouldRetry(FAIL, 503)).isFalse();
    assertThat(plan.shouldRetry(FAIL, 429)).isTrue();
    assertThat(plan.shouldRetry(Verdict.TRANSPORT_ERROR, 0)).isFalse();
  }

  @Test
  void transportErrorsRetryWhenEnabled() {
    PoolFixture f = fixture(RetryPolicy.of(2));
    RetryPlan plan = RetryPlan.of(f.pool);
    plan.first();
    assertThat(plan.shouldRetry(Verdict.TRANSPORT_ERROR, 0)).isTrue();
  }

  @Test
  void overallTimeoutEndsRetries() {
    PoolFixture f = fixture(new RetryPolicy(5, Set.of(), Duration.ofSeconds(2), true));
    RetryPlan plan = RetryPlan.of(f.pool);
    plan.first();
    assertThat(plan.remaining()).isEqualTo(Duration.ofSeconds(2));
    f.clock.advance(Duration.ofSeconds(2));
    assertThat(plan.shouldRetry(FAIL, 503)).isFalse();
    assertThat(plan.next()).isNull();
    assertThat(plan.remaining()).isZero();
  }

  @Test
  void withoutPolicyThereIsOneAttempt() {
    PoolFixture f = fixture(null);
    RetryPlan plan = RetryPlan.of(f.pool);
    plan.first();
    assertThat(plan.shouldRetry(FAIL, 503)).isFalse();
    assertThat(plan.next()).isNull();
    assertThat(plan.remaining()).isNull();
    assertThatThrownBy(plan::first).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void retrySkipsTokensEjectedMeanwhile() {
    PoolFixture f = fixture(RetryPolicy.of(5));
    RetryPlan plan = RetryPlan.of(f.pool);
    TokenHandle first = plan.first();
    for (String s : new String[] {A, B, C}) {
      if (!s.equals(first.secret())) {
        TokenHandle other = f.handleOf(s);
        other.record(FAIL);
        other.record(FAIL);
        break;
      }
    }
    TokenHandle second = plan.next();
    assertThat(second).isNotNull();
    assertThat(f.snapshotOf(second.secret()).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(plan.next()).isNull();
  }
}
