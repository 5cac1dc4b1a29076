package io.github.failover4j.core;

import static io.github.failover4j.core.FallbackPlanTest.down;
import static io.github.failover4j.core.FallbackPlanTest.ok;
import static io.github.failover4j.core.FallbackPlanTest.rules;
import static io.github.failover4j.core.RouteFixture.A;
import static io.github.failover4j.core.RouteFixture.B;
import static io.github.failover4j.core.RouteFixture.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.FallbackPlan.Decision;
import io.github.failover4j.core.FallbackPlan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads on one target's outage state and on plans sharing it. */
class OutageConcurrencyTest {
  private static final int THREADS = 8;
  private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
  private final RouteFixture f = new RouteFixture();

  /** Thousands of transitions are logged otherwise; the console would dominate the run. */
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger(Outages.class.getName());

  @org.junit.jupiter.api.BeforeEach
  void quiet() {
    QUIET.setLevel(java.util.logging.Level.SEVERE);
  }

  @AfterEach
  void stop() throws InterruptedException {
    QUIET.setLevel(null);
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private void race(int threads, java.util.function.IntConsumer body) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      done.add(executor.submit(() -> {
        go.await();
        body.accept(id);
        return null;
      }));
    }
    go.countDown();
    for (Future<?> d : done) {
      d.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyTransitionIsWonByOneThreadAndToldOnce() throws Exception {
    TokenPool openai = f.pool("openai", rules(null).healthCheck(HealthCheck.of("mini")).build(),
        A, B, C);
    TargetState target = f.outages.state(openai, "gpt-4o");
    LongAdder entered = new LongAdder();
    LongAdder ended = new LongAdder();
    race(THREADS, id -> {
      SplittableRandom random = new SplittableRandom(id);
      for (int i = 0; i < 1_000; i++) {
        if (random.nextBoolean()) {
          if (target.enter("stress")) {
            entered.increment();
          }
        } else if (target.end("stress")) {
          ended.increment();
        }
      }
    });

    long enteredEvents = f.events.stream().filter(e -> e.kind() == Outages.Kind.ENTERED).count();
    long endedEvents = f.events.stream().filter(e -> e.kind() == Outages.Kind.ENDED).count();
    assertThat(enteredEvents).isEqualTo(entered.sum()).isPositive();
    assertThat(endedEvents).isEqualTo(ended.sum()).isPositive();
    assertThat(entered.sum() - ended.sum()).isEqualTo(target.inOutage() ? 1 : 0);
    assertThat(f.outages.snapshot()).hasSize(target.inOutage() ? 1 : 0);
    // at most one probe is ever waiting for the target
    long waiting = f.clock.pendingTasks();
    f.clock.advance(java.time.Duration.ofSeconds(11));
    assertThat(f.prober.requests).hasSize(target.inOutage() ? 1 : 0);
    assertThat(waiting).isGreaterThanOrEqualTo(f.prober.requests.size());
  }

  @Test
  void concurrentPlansPutAFailingModelInOutageOnceAndNeverEjectTheKeys() throws Exception {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    LongAdder served = new LongAdder();
    LongAdder primaryAttempts = new LongAdder();
    race(THREADS, id -> {
      for (int i = 0; i < 500; i++) {
        FallbackPlan plan = route.plan("gpt-4o");
        for (Step s = plan.next(); ; s = plan.next()) {
          assertThat(s.isSend()).isTrue();
          boolean primary = s.model().equals("gpt-4o");
          if (primary) {
            primaryAttempts.increment();
          }
          if (plan.report(primary ? down() : ok()) == Decision.DELIVER) {
            assertThat(primary).isFalse();
            served.increment();
            break;
          }
        }
      }
    });

    assertThat(served.sum()).isEqualTo(THREADS * 500);
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o");
    assertThat(openai.snapshot()).allSatisfy(t -> {
      assertThat(t.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(t.consecutiveFailures()).isZero();
    });
    // only the plans that started before the outage tried the primary, three keys each
    assertThat(primaryAttempts.sum() % 3).isZero();
    assertThat(primaryAttempts.sum()).isLessThan(THREADS * 500);
  }
}
