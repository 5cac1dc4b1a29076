package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exponential ejection back-off: growth, cap, jitter bounds and decay. */
class BackoffTest {
  private static final Duration BASE = Duration.ofSeconds(30);
  private static final Duration MAX = Duration.ofMinutes(4);

  private static PoolFixture fixture() {
    return new PoolFixture(FailoverConfig.builder().conditions(Condition.status(503))
        .ejection(new EjectionPolicy(BASE, MAX, 100)).build());
  }

  /** Ejects A, then returns how long it stayed out (no health check: back-off restores it). */
  private static Duration ejectAndTimeOut(PoolFixture f) {
    f.handleOf(A).record(Verdict.failure("x"));
    Duration out = f.snapshotOf(A).nextProbeIn();
    f.clock.advance(out);
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    return out;
  }

  @Test
  void eachEjectionRightAfterARestoreDoublesUpToTheCap() {
    PoolFixture f = fixture();
    long[] expectedSeconds = {30, 60, 120, 240, 240};
    for (int n = 0; n < expectedSeconds.length; n++) {
      Duration out = ejectAndTimeOut(f);
      Duration plain = Duration.ofSeconds(expectedSeconds[n]);
      assertThat(out).as("ejection %d", n + 1)
          .isBetween(plain, n < 3 ? plain.plus(plain.dividedBy(10)) : MAX);
      assertThat(f.snapshotOf(A).backoffLevel()).isEqualTo(n + 1);
    }
  }

  @Test
  void stayingHealthyDecaysTheLevel() {
    PoolFixture f = fixture();
    ejectAndTimeOut(f);
    ejectAndTimeOut(f);
    ejectAndTimeOut(f); // level 3
    f.clock.advance(MAX.multipliedBy(2)); // two full max-ejection-times healthy: two steps off
    Duration out = ejectAndTimeOut(f);
    assertThat(f.snapshotOf(A).backoffLevel()).isEqualTo(2);
    assertThat(out).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(66));
    f.clock.advance(MAX.multipliedBy(10));
    ejectAndTimeOut(f);
    assertThat(f.snapshotOf(A).backoffLevel()).isEqualTo(1);
  }

  @Test
  void backoffStretchesTheFirstProbe() {
    PoolFixture f = new PoolFixture(FailoverConfig.builder().conditions(Condition.status(503))
        .healthCheck(HealthCheck.of("m"))
        .ejection(new EjectionPolicy(BASE, MAX, 100)).build());
    f.handleOf(A).record(Verdict.failure("x"));
    f.clock.advance(Duration.ofSeconds(29));
    assertThat(f.prober.requests).isEmpty();
    f.clock.advance(Duration.ofSeconds(4));
    assertThat(f.prober.requests).hasSize(1);
  }

  @Test
  void outForNeverOverflows() {
    EjectionPolicy p = new EjectionPolicy(Duration.ofDays(1), Duration.ofDays(30), 100);
    assertThat(Backoff.outFor(p, 62)).isEqualTo(Duration.ofDays(30).toNanos());
    assertThat(Backoff.outFor(p, 5)).isBetween(Duration.ofDays(16).toNanos(),
        Duration.ofDays(30).toNanos());
  }
}
