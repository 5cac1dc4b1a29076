package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.TokenEvent.Kind;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTest {
  private static final Verdict FAIL = Verdict.failure("test failure");
  private static final Duration PERIOD = Duration.ofSeconds(10);
  /** The latest a probe can be due: one period plus the full 10% jitter. */
  private static final Duration WITH_JITTER = PERIOD.plus(PERIOD.dividedBy(10));

  private static PoolFixture fixture(int successThreshold) {
    HealthCheck hc = new HealthCheck(PERIOD, Duration.ofSeconds(5), successThreshold, "ping?",
        "tiny-model", "/v1/chat/completions",
        List.of(Condition.status(200).withBody("我是.*"), Condition.status(204)));
    return new PoolFixture(FailoverConfig.builder().conditions(Condition.status(503))
        .healthCheck(hc).build());
  }

  private static PoolFixture ejectedA(int successThreshold) {
    PoolFixture f = fixture(successThreshold);
    f.handleOf(A).record(FAIL);
    return f;
  }

  private static TestResponse pass() {
    return TestResponse.status(200).body("{\"content\":\"我是助手\"}");
  }

  @Test
  void firstProbeOnePeriodAfterEjectionWithinTenPercentJitter() {
    for (int round = 0; round < 50; round++) {
      PoolFixture f = ejectedA(1);
      f.clock.advance(PERIOD.minusNanos(1));
      assertThat(f.prober.requests).isEmpty();
      f.clock.advance(PERIOD.dividedBy(10).plusNanos(1));
      assertThat(f.prober.requests).hasSize(1);
    }
  }

  @Test
  void probeCarriesModelContentTokenAndPath() {
    PoolFixture f = ejectedA(1);
    f.clock.advance(WITH_JITTER);
    ProbeRequest r = f.prober.requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.uri()).isEqualTo(URI.create("http://127.0.0.1:9/base/v1/chat/completions"));
    assertThat(r.headers()).containsEntry("Authorization", "Bearer " + A)
        .containsEntry("Content-Type", "application/json");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"model\":\"tiny-model\",\"messages\":[{\"role\":\"user\",\"content\":\"ping?\"}]}");
    assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.toString()).doesNotContain(A);
  }

  @Test
  void passingProbeRestoresWithNewEpoch() {
    PoolFixture f = ejectedA(1);
    f.clock.advance(WITH_JITTER);
    f.prober.answer(pass());
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).consecutiveFailures()).isZero();
    assertThat(f.snapshotOf(A).probes()).isEqualTo(1);
    assertThat(f.kinds()).containsExactly(Kind.EJECTED, Kind.PROBE_PASSED, Kind.RESTORED);
    f.clock.advance(PERIOD.multipliedBy(5));
    assertThat(f.prober.requests).hasSize(1);
  }

  @Test
  void neverTwoProbesAtOnceForOneToken() {
    PoolFixture f = ejectedA(1);
    f.clock.advance(WITH_JITTER);
    assertThat(f.prober.inFlight()).isEqualTo(1);
    // the answer is slow; the timeout (5 s) fails it, and only then is the next one planned
    f.clock.advance(Duration.ofSeconds(4));
    assertThat(f.prober.requests).hasSize(1);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.kinds()).containsExactly(Kind.EJECTED, Kind.PROBE_FAILED);
    assertThat(f.events.get(1).reason()).contains("timed out");
    f.clock.advance(WITH_JITTER);
    assertThat(f.prober.requests).hasSize(2);
    // the late answer to the first probe changes nothing
    f.prober.answer(pass());
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
  }

  @Test
  void probeTimeoutCountsAsFailedProbe() {
    PoolFixture f = ejectedA(1);
    f.clock.advance(WITH_JITTER);
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(f.kinds()).endsWith(Kind.PROBE_FAILED);
  }

  @Test
  void transportErrorIsAFailedProbe() {
    PoolFixture f = ejectedA(1);
    f.clock.advance(WITH_JITTER);
    f.prober.fail(new IOException("connection refused"));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(f.events.get(1).kind()).isEqualTo(Kind.PROBE_FAILED);
    assertThat(f.events.get(1).reason()).contains("IOException").contains("connection refused");
  }

  @Test
  void nonMatchingResponseIsAFailedProbe() {
    PoolFixture f = ejectedA(1);
    f.clock.advance(WITH_JITTER);
    f.prober.answer(TestResponse.status(200).body("{\"content\":\"quota exceeded\"}"));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    // a health condition on status alone (204) also passes: OR across conditions
    f.clock.advance(WITH_JITTER);
    f.prober.answer(TestResponse.status(204));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void restoreNeedsConsecutivePasses() {
    PoolFixture f = ejectedA(3);
    probeAndAnswer(f, pass());
    probeAndAnswer(f, pass());
    probeAndAnswer(f, TestResponse.status(500)); // resets the run
    probeAndAnswer(f, pass());
    probeAndAnswer(f, pass());
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    probeAndAnswer(f, pass());
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).probes()).isEqualTo(6);
  }

  @Test
  void probeAnsweredSynchronouslyStillSchedulesTheNext() {
    PoolFixture f = fixture(2);
    TokenPool pool = TokenPool.builder("sync").tokens(A).upstream(URI.create("http://h"))
        .config(f.pool.config()).scheduler(f.clock).ticker(f.clock)
        .prober(r -> java.util.concurrent.CompletableFuture.completedFuture(pass()))
        .build();
    pool.select().record(FAIL);
    f.clock.advance(PERIOD.multipliedBy(3));
    assertThat(pool.snapshot().get(0).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(pool.snapshot().get(0).probes()).isEqualTo(2);
  }

  @Test
  void restoredTokenCanBeEjectedAndProbedAgain() {
    PoolFixture f = ejectedA(1);
    probeAndAnswer(f, pass());
    f.handleOf(A).record(FAIL);
    assertThat(f.snapshotOf(A).ejections()).isEqualTo(2);
    probeAndAnswer(f, pass());
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void closeCancelsProbes() {
    PoolFixture f = ejectedA(1);
    f.pool.close();
    f.clock.advance(PERIOD.multipliedBy(5));
    assertThat(f.prober.requests).isEmpty();
    assertThat(f.clock.pendingTasks()).isZero();
  }

  private static void probeAndAnswer(PoolFixture f, TestResponse answer) {
    int before = f.prober.requests.size();
    f.clock.advance(WITH_JITTER);
    assertThat(f.prober.requests).hasSize(before + 1);
    f.prober.answer(answer);
  }
}
