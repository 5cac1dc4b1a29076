package io.github.failover4j.core;

import static io.github.failover4j.core.FallbackPlanTest.down;
import static io.github.failover4j.core.FallbackPlanTest.ok;
import static io.github.failover4j.core.FallbackPlanTest.rules;
import static io.github.failover4j.core.RouteFixture.A;
import static io.github.failover4j.core.RouteFixture.B;
import static io.github.failover4j.core.RouteFixture.C;
import static io.github.failover4j.core.RouteFixture.Z;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.FallbackPlan.Decision;
import io.github.failover4j.core.FallbackPlan.Step;
import io.github.failover4j.spi.ProbeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Target outage (SPEC §9): entered, skipped, probed with the target's model, ended. */
class OutageTest {
  static final Duration PERIOD = Duration.ofSeconds(10);
  static final Duration PERIOD_WITH_JITTER = Duration.ofSeconds(11);

  final RouteFixture f = new RouteFixture();

  /** openai with three keys, threshold 1, two retries, probed every 10 s. */
  TokenPool openai() {
    return f.pool("openai", rules(RetryPolicy.of(2)).healthCheck(HealthCheck.of("gpt-4o-mini"))
        .build(), A, B, C);
  }

  /** Sends {@code plan}'s attempts, answering each with {@code response}; returns the last step. */
  static Step drive(FallbackPlan plan, TestResponse... responses) {
    Step step = plan.next();
    for (TestResponse r : responses) {
      if (!step.isSend() || plan.report(r) == Decision.DELIVER) {
        return step;
      }
      step = plan.next();
    }
    return step;
  }

  /** The model field of a probe's body. */
  static String modelOf(ProbeRequest probe) {
    String body = new String(probe.body(), StandardCharsets.UTF_8);
    return body.replaceAll(".*\"model\":\"([^\"]*)\".*", "$1");
  }

  @Test
  void aModelFailingForEveryKeyIsAnOutageNotThreeEjections() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));

    FallbackPlan plan = route.plan("gpt-4o");
    for (int i = 0; i < 3; i++) {
      Step s = plan.next();
      assertThat(s.target().model()).isNull();
      assertThat(s.model()).isEqualTo("gpt-4o");
      assertThat(plan.report(down())).isEqualTo(Decision.NEXT);
    }
    Step fallback = plan.next();
    assertThat(fallback.target().name("gpt-4o")).isEqualTo("openai/gpt-4o-mini");
    assertThat(fallback.model()).isEqualTo("gpt-4o-mini");
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);

    // the keys the fallback target needs are all still in: failures totalled, not counted
    assertThat(openai.snapshot()).allSatisfy(t -> {
      assertThat(t.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(t.consecutiveFailures()).isZero();
      assertThat(t.failures()).isEqualTo(1);
    });
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o");
    assertThat(f.outages.snapshot()).singleElement().satisfies(o -> {
      assertThat(o.target()).isEqualTo("openai/gpt-4o");
      assertThat(o.pool()).isEqualTo("openai");
      assertThat(o.model()).isEqualTo("gpt-4o");
      assertThat(o.outFor()).isZero();
      assertThat(o.nextCheckIn()).isBetween(PERIOD, PERIOD_WITH_JITTER);
      assertThat(o.reason()).contains("every key tried in one request failed (3 keys");
    });

    // the next requests skip the primary and are served by the same keys with another model
    for (int i = 0; i < 6; i++) {
      FallbackPlan next = route.plan("gpt-4o");
      Step s = next.next();
      assertThat(s.model()).isEqualTo("gpt-4o-mini");
      assertThat(next.report(ok())).isEqualTo(Decision.DELIVER);
    }
    assertThat(openai.snapshot().stream().mapToLong(TokenSnapshot::requests).sum())
        .isEqualTo(3 + 1 + 6);
    assertThat(openai.snapshot()).extracting(TokenSnapshot::state)
        .containsOnly(TokenState.HEALTHY);
  }

  @Test
  void anotherModelOnTheSameKeysIsNotInOutage() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());

    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o")).isTrue();
    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o-mini")).isFalse();
    assertThat(f.outages.inOutage(Target.of(openai, "gpt-4o-mini"), "gpt-4o")).isFalse();
    // a route whose client asks for gpt-4o-mini goes straight to it
    Step s = route.plan("gpt-4o-mini").next();
    assertThat(s.model()).isEqualTo("gpt-4o-mini");
    assertThat(s.target()).isEqualTo(Target.of(openai));
  }

  @Test
  void trafficReturnsToThePrimaryWithinOneProbePeriodOfItsRecovery() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());

    f.clock.advance(PERIOD_WITH_JITTER);
    assertThat(f.prober.requests).singleElement().satisfies(p -> {
      assertThat(modelOf(p)).isEqualTo("gpt-4o"); // the target's own model, not the pool's
      assertThat(p.uri().toString()).isEqualTo("http://127.0.0.1:9/v1/chat/completions");
      assertThat(p.headers().get("Authorization")).startsWith("Bearer sk-test-");
    });
    f.prober.answer(down()); // still down
    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o")).isTrue();
    assertThat(route.plan("gpt-4o").next().model()).isEqualTo("gpt-4o-mini");

    // the model recovers now; the next probe, within one period, ends the outage
    f.clock.advance(PERIOD_WITH_JITTER);
    assertThat(f.prober.requests).hasSize(2);
    f.prober.answer(ok());
    assertThat(f.outages.snapshot()).isEmpty();
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o", "ENDED openai/gpt-4o");
    assertThat(f.events.get(1).reason()).contains("probe of openai/gpt-4o passed: status 200");
    FallbackPlan back = route.plan("gpt-4o");
    assertThat(back.next().model()).isEqualTo("gpt-4o");
    assertThat(back.report(ok())).isEqualTo(Decision.DELIVER);
    // no more probes once it ended
    f.clock.advance(PERIOD_WITH_JITTER.multipliedBy(3));
    assertThat(f.prober.requests).hasSize(2);
  }

  @Test
  void aProbeThatTimesOutFailsAndTheNextOneComes() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());

    f.clock.advance(PERIOD_WITH_JITTER); // probe 1 sent, never answered
    f.clock.advance(Duration.ofSeconds(5)); // HealthCheck.of's timeout: probe 1 failed
    f.clock.advance(PERIOD_WITH_JITTER);
    assertThat(f.prober.requests).hasSize(2);
    assertThat(f.prober.inFlight()).isOne(); // probe 1 was cancelled at its timeout
    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o")).isTrue();
    f.prober.answer(ok()); // probe 2
    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o")).isFalse();
  }

  @Test
  void aSuccessEndsTheOutageWhenNothingLaterCouldServe() {
    TokenPool openai = openai();
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(azure, "gpt-4o-eu"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());
    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o")).isTrue();

    azure.select().record(Verdict.failure("azure down too")); // its only key is out
    FallbackPlan plan = route.plan("gpt-4o");
    Step s = plan.next();
    assertThat(s.target().pool()).isSameAs(openai); // in outage, but the only one able to serve
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o", "ENDED openai/gpt-4o");
    assertThat(f.events.get(1).reason()).contains("succeeded");
  }

  @Test
  void withoutHealthCheckOneTrialRequestAfterTheOutageCooldown() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());
    assertThat(f.outages.snapshot()).singleElement()
        .satisfies(o -> assertThat(o.nextCheckIn()).isEqualTo(Duration.ofSeconds(30)));

    f.clock.advance(Duration.ofSeconds(29));
    assertThat(route.plan("gpt-4o").next().model()).isEqualTo("gpt-4o-mini");
    f.clock.advance(Duration.ofSeconds(1));
    FallbackPlan trial = route.plan("gpt-4o");
    assertThat(trial.next().model()).isEqualTo("gpt-4o"); // the one trial
    FallbackPlan meanwhile = route.plan("gpt-4o");
    assertThat(meanwhile.next().model()).isEqualTo("gpt-4o-mini"); // only one at a time
    assertThat(f.outages.snapshot()).singleElement()
        .satisfies(o -> assertThat(o.nextCheckIn()).isEqualTo(Duration.ofSeconds(30)));
    assertThat(trial.report(ok())).isEqualTo(Decision.DELIVER);
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o", "ENDED openai/gpt-4o");
    assertThat(route.plan("gpt-4o").next().model()).isEqualTo("gpt-4o");
    assertThat(f.prober.requests).isEmpty();
  }

  @Test
  void aFailedTrialKeepsTheOutageForAnotherCooldown() {
    RouteFixture g = new RouteFixture(Duration.ofSeconds(5));
    TokenPool openai = g.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    FallbackRoute route = g.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());

    g.clock.advance(Duration.ofSeconds(5));
    FallbackPlan trial = route.plan("gpt-4o");
    assertThat(trial.next().model()).isEqualTo("gpt-4o");
    assertThat(trial.report(down())).isEqualTo(Decision.NEXT);
    assertThat(g.outages.inOutage(Target.of(openai), "gpt-4o")).isTrue();
    g.clock.advance(Duration.ofSeconds(4));
    assertThat(route.plan("gpt-4o").next().model()).isEqualTo("gpt-4o-mini");
    g.clock.advance(Duration.ofSeconds(1));
    assertThat(route.plan("gpt-4o").next().model()).isEqualTo("gpt-4o");
    assertThat(g.eventLines()).containsExactly("ENTERED openai/gpt-4o");
  }

  @Test
  void oneKeyFailingIsChargedToThatKeyAndIsNoOutage() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    FallbackPlan plan = route.plan("gpt-4o");
    Step bad = plan.next();
    plan.report(down());
    Step good = plan.next();
    assertThat(good.model()).isEqualTo("gpt-4o");
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);

    assertThat(RouteFixture.snapshotOf(openai, bad.token().secret()).state())
        .isEqualTo(TokenState.EJECTED); // threshold 1: a key-specific failure ejects as always
    assertThat(f.outages.snapshot()).isEmpty();
  }

  @Test
  void anEjectIsChargedAtOnceEvenWhenTheRestMakeAnOutage() {
    TokenPool openai = f.pool("openai", FailoverConfig.builder()
        .conditions(Condition.status(401).withAction(Action.EJECT), FallbackPlanTest.DOWN)
        .retry(RetryPolicy.of(2)).healthCheck(HealthCheck.of("gpt-4o-mini")).build(), A, B, C);
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    FallbackPlan plan = route.plan("gpt-4o");
    Step revoked = plan.next();
    plan.report(TestResponse.status(401));
    assertThat(RouteFixture.snapshotOf(openai, revoked.token().secret()).state())
        .isEqualTo(TokenState.EJECTED); // a bad key, whatever the target does
    plan.next();
    plan.report(down());
    plan.next();
    plan.report(down());
    assertThat(plan.next().model()).isEqualTo("gpt-4o-mini");
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o");
    assertThat(openai.snapshot()).extracting(TokenSnapshot::state)
        .containsOnlyOnce(TokenState.EJECTED);
  }

  @Test
  void anAbandonedPlanSettlesWhatItDeferred() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    FallbackPlan one = route.plan("gpt-4o");
    Step first = one.next();
    one.report(down());
    assertThat(RouteFixture.snapshotOf(openai, first.token().secret()).consecutiveFailures())
        .isZero(); // deferred: the next key may show it is the model
    one.abandon();
    assertThat(RouteFixture.snapshotOf(openai, first.token().secret()).state())
        .isEqualTo(TokenState.EJECTED); // one key tried: charged as usual
    assertThat(one.next().kind()).isEqualTo(Step.Kind.ANSWER_LAST);

    FallbackPlan two = route.plan("gpt-4o");
    two.next();
    two.report(down());
    two.next();
    two.report(down());
    two.abandon();
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o");
    assertThat(openai.snapshot()).extracting(TokenSnapshot::state)
        .containsOnlyOnce(TokenState.EJECTED);
  }

  @Test
  void theEjectionLimitHoldingBackAnEjectionIsAnOutage() {
    String d = "sk-test-dddddddddddd4444";
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(1))
        .ejection(new EjectionPolicy(null, null, 25)).build(), A, B, C, d);
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), ok()); // one key out: the 25 % the pool may lose
    assertThat(f.outages.snapshot()).isEmpty();

    drive(route.plan("gpt-4o"), down(), ok()); // a second key would be over the limit
    assertThat(f.outages.snapshot()).singleElement()
        .satisfies(o -> assertThat(o.reason()).contains("maxEjectionPercent"));
    assertThat(openai.snapshot()).extracting(TokenSnapshot::state)
        .containsOnlyOnce(TokenState.EJECTED);
  }

  @Test
  void aPoolWithNoSelectableTokenIsSkippedAsAnOutage() {
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    TokenPool openai = openai();
    azure.select().record(Verdict.failure("down"));
    FallbackRoute route = f.route(null, Target.of(azure, "gpt-4o-eu"), Target.of(openai));
    Step s = route.plan("gpt-4o").next();
    assertThat(s.target().pool()).isSameAs(openai);
    assertThat(f.eventLines()).containsExactly("ENTERED azure/gpt-4o-eu");
  }

  @Test
  void forgettingAPoolDropsItsTargetsAndProbes() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());
    f.outages.forget(openai);
    assertThat(f.outages.snapshot()).isEmpty();
    f.clock.advance(PERIOD_WITH_JITTER.multipliedBy(3));
    assertThat(f.prober.requests).isEmpty();
    assertThat(route.plan("gpt-4o").next().model()).isEqualTo("gpt-4o");
  }

  @Test
  void closingStopsTheProbes() {
    TokenPool openai = openai();
    FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
    drive(route.plan("gpt-4o"), down(), down(), down(), ok());
    f.outages.close();
    f.clock.advance(PERIOD_WITH_JITTER.multipliedBy(3));
    assertThat(f.prober.requests).isEmpty();
  }

  @Test
  void noTokenInEventsSnapshotsOrLogs() {
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Outages.class.getName());
    java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(new java.util.logging.SimpleFormatter().formatMessage(r));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(capture);
    jul.setLevel(java.util.logging.Level.ALL);
    try {
      TokenPool openai = openai();
      FallbackRoute route = f.route(null, Target.of(openai), Target.of(openai, "gpt-4o-mini"));
      drive(route.plan("gpt-4o"), down(), down(), down(), ok());
      f.clock.advance(PERIOD_WITH_JITTER);
      String used = f.prober.requests.get(0).headers().get("Authorization").substring(7);
      f.prober.fail(new java.io.IOException("refused for key " + used)); // a careless transport
      f.clock.advance(PERIOD_WITH_JITTER);
      f.prober.answer(ok());

      assertThat(logged).anySatisfy(l -> assertThat(l).contains("outage probe failed"));
      List<String> texts = new java.util.ArrayList<>(logged);
      f.events.forEach(e -> texts.add(e.toString()));
      texts.add(route.toString());
      texts.add(route.plan("gpt-4o").next().toString());
      for (String secret : new String[] {A, B, C}) {
        assertThat(texts).noneSatisfy(t -> assertThat(t).contains(secret));
      }
    } finally {
      jul.removeHandler(capture);
      jul.setLevel(null);
    }
  }
}
