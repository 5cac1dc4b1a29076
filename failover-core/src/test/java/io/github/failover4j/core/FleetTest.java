package io.github.failover4j.core;

import static io.github.failover4j.core.PoolFixture.A;
import static io.github.failover4j.core.PoolFixture.B;
import static io.github.failover4j.core.PoolFixture.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.testing.ManualClock;
import io.github.failover4j.spi.TokenEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A pool's side of a fleet (SPEC §8), against an in-memory {@link FleetSync} that records what
 * the pool publishes and lets the test answer its probe-lease questions.
 */
class FleetTest {
  private static final Instant WALL = Instant.parse("2026-12-01T12:00:00Z");
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final Duration PROBE_DUE = PERIOD.plus(PERIOD.dividedBy(10)).plusNanos(1);

  /** Records publishes; probe-lease questions wait for the test's answer. */
  static final class RecordingSync implements FleetSync {
    final List<FleetState> published = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Boolean>> asked = new CopyOnWriteArrayList<>();
    Member member;
    boolean closed;

    @Override
    public Link join(Member m) {
      this.member = m;
      return new Link() {
        @Override
        public void publish(FleetState state) {
          published.add(state);
        }

        @Override
        public CompletionStage<Boolean> mayProbe(String fingerprint) {
          CompletableFuture<Boolean> f = new CompletableFuture<>();
          asked.add(f);
          return f;
        }

        @Override
        public void close() {
          closed = true;
        }
      };
    }
  }

  private final ManualClock clock = new ManualClock();
  private final ScriptedProber prober = new ScriptedProber();
  private final RecordingSync sync = new RecordingSync();
  private final List<TokenEvent> events = new ArrayList<>();
  private final TokenPool pool = TokenPool.builder("p")
      .tokens(A, B, C)
      .config(FailoverConfig.builder()
          .conditions(Condition.status(503),
              Condition.status(429).withAction(Action.COOLDOWN))
          .healthCheck(new HealthCheck(PERIOD, Duration.ofSeconds(5), 1, "ping?", "tiny",
              "/v1/chat/completions", List.of(Condition.status(200))))
          .build())
      .upstream(URI.create("http://127.0.0.1:9/"))
      .scheduler(clock)
      .ticker(clock)
      .wallClock(Clock.fixed(WALL, ZoneOffset.UTC))
      .prober(prober)
      .listener(events::add)
      .fleet(sync)
      .build();

  private static String fp(String secret) {
    return TokenSpec.of(secret).fingerprint();
  }

  private TokenHandle handleOf(String secret) {
    for (int i = 0; i < 16; i++) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        return h;
      }
    }
    throw new AssertionError("not selectable");
  }

  private TokenState state(String secret) {
    return pool.snapshot().stream().filter(s -> s.fingerprint().equals(fp(secret)))
        .findFirst().orElseThrow().state();
  }

  private static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000;
  }

  @Test
  void aLocalEjectionIsPublishedOnceWithItsDeadlineAsAWallClockInstant() {
    TokenHandle a = handleOf(A);
    a.report(TestResponse.status(429).header("Retry-After", "30"));
    a.report(TestResponse.status(429).header("Retry-After", "20")); // a late one: no change
    assertThat(sync.published).containsExactly(new FleetState(fp(A), TokenState.EJECTED,
        Action.COOLDOWN, WALL.plusSeconds(30), 0, false, micros(WALL)));
    assertThat(sync.member.state(fp(A))).isEqualTo(sync.published.get(0));
  }

  @Test
  void everyLocalTransitionIsPublishedWithAGrowingVersion() {
    pool.disable(fp(B));
    pool.restore(fp(B));
    handleOf(C).record(Verdict.failure("x"));
    assertThat(sync.published).extracting(FleetState::state).containsExactly(
        TokenState.DISABLED, TokenState.HEALTHY, TokenState.EJECTED);
    assertThat(sync.published).extracting(FleetState::version)
        .containsExactly(micros(WALL), micros(WALL) + 1, micros(WALL));
    assertThat(sync.published.get(1).byProbe()).isFalse();
  }

  @Test
  void aStateFromTheFleetIsAppliedWithoutBeingPublishedAgain() {
    FleetState remote = new FleetState(fp(A), TokenState.EJECTED, Action.COOLDOWN,
        WALL.plusSeconds(20), 0, false, 500);
    assertThat(sync.member.apply(remote)).isTrue();

    assertThat(state(A)).isEqualTo(TokenState.EJECTED);
    for (int i = 0; i < 10; i++) {
      assertThat(pool.select().secret()).isNotEqualTo(A);
    }
    assertThat(sync.published).isEmpty();
    assertThat(events).extracting(TokenEvent::reason).containsExactly("by the fleet");
    assertThat(sync.member.apply(remote)).as("the same state again").isFalse();

    clock.advance(Duration.ofSeconds(20)); // the shared deadline, on this replica's clock
    assertThat(state(A)).isEqualTo(TokenState.HEALTHY);
    assertThat(sync.published).as("the local restore at the deadline is published")
        .extracting(FleetState::state).containsExactly(TokenState.HEALTHY);
    assertThat(sync.published.get(0).version()).isGreaterThan(500);
  }

  @Test
  void anOlderStateIsIgnoredAndAnOverrideIsNot() {
    sync.member.apply(new FleetState(fp(B), TokenState.DISABLED, null, null, 0, false, 9));
    assertThat(sync.member.apply(new FleetState(fp(B), TokenState.HEALTHY, null, null, 0,
        false, 8))).isFalse();
    assertThat(state(B)).isEqualTo(TokenState.DISABLED);

    sync.member.override(new FleetState(fp(B), TokenState.HEALTHY, null, null, 0, false, 3));
    assertThat(state(B)).isEqualTo(TokenState.HEALTHY);
    assertThat(sync.member.state(fp(B)).version()).isEqualTo(3);
    assertThat(sync.published).isEmpty();
    assertThat(sync.member.apply(new FleetState("no-such-token", TokenState.EJECTED, null,
        null, 0, false, 99))).isFalse();
  }

  @Test
  void onlyTheReplicaThatMayProbeProbesAndItsRestoreSaysSo() {
    handleOf(A).record(Verdict.failure("x"));
    clock.advance(PROBE_DUE);
    assertThat(sync.asked).hasSize(1);
    assertThat(prober.requests).as("no probe before the fleet answers").isEmpty();

    sync.asked.get(0).complete(false); // another replica holds the lease
    assertThat(prober.requests).isEmpty();
    clock.advance(PROBE_DUE);
    assertThat(sync.asked).as("asks again a period later").hasSize(2);

    sync.asked.get(1).complete(true);
    assertThat(prober.requests).hasSize(1);
    prober.answer(TestResponse.status(200));
    assertThat(state(A)).isEqualTo(TokenState.HEALTHY);
    FleetState restore = sync.published.get(sync.published.size() - 1);
    assertThat(restore.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(restore.byProbe()).isTrue();
  }

  @Test
  void aFleetThatFailsToAnswerDoesNotStopRecovery() {
    handleOf(A).record(Verdict.failure("x"));
    clock.advance(PROBE_DUE);
    sync.asked.get(0).completeExceptionally(new IllegalStateException("store gone"));
    assertThat(prober.requests).hasSize(1);
  }

  @Test
  void closingThePoolClosesItsLink() {
    pool.close();
    assertThat(sync.closed).isTrue();
  }
}
