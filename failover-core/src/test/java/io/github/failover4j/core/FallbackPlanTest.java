package io.github.failover4j.core;

import static io.github.failover4j.core.RouteFixture.A;
import static io.github.failover4j.core.RouteFixture.B;
import static io.github.failover4j.core.RouteFixture.C;
import static io.github.failover4j.core.RouteFixture.Z;
import static io.github.failover4j.core.RouteFixture.snapshotOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.FallbackPlan.Decision;
import io.github.failover4j.core.FallbackPlan.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per rule of SPEC §9's plan, on a manual clock. */
class FallbackPlanTest {
  static final Condition CONTEXT = Condition.status(400).withBody("context_length_exceeded")
      .withAction(Action.FALLBACK);
  static final Condition POLICY = Condition.status(400).withAction(Action.IGNORE);
  static final Condition DOWN = Condition.status(429, 500, 502, 503, 504);

  static FailoverConfig.Builder rules(RetryPolicy retry) {
    return FailoverConfig.builder().conditions(CONTEXT, POLICY, DOWN).retry(retry);
  }

  static TestResponse ok() {
    return TestResponse.status(200).body("{\"choices\":[]}");
  }

  static TestResponse down() {
    return TestResponse.status(503);
  }

  final RouteFixture f = new RouteFixture();

  @Test
  void fallsBackWhenTheTargetsRetriesAreSpent() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(1)).build(), A, B, C);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure, "gpt-4o-eu"))
        .plan("gpt-4o");

    Step first = plan.next();
    assertThat(first.kind()).isEqualTo(Step.Kind.SEND);
    assertThat(first.target().pool()).isSameAs(openai);
    assertThat(first.model()).isEqualTo("gpt-4o");
    assertThat(plan.report(down())).isEqualTo(Decision.NEXT);
    assertThat(plan.delay()).isZero();
    Step second = plan.next();
    assertThat(second.target().pool()).isSameAs(openai);
    assertThat(second.token().secret()).isNotEqualTo(first.token().secret());
    assertThat(plan.report(down())).isEqualTo(Decision.NEXT); // one retry: spent
    Step third = plan.next();
    assertThat(third.target().pool()).isSameAs(azure);
    assertThat(third.model()).isEqualTo("gpt-4o-eu");
    assertThat(third.target().name("gpt-4o")).isEqualTo("azure/gpt-4o-eu");
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);
    assertThat(plan.attempts()).isEqualTo(3);
    assertThat(plan.target()).isEqualTo(third.target());
  }

  @Test
  void aTimeoutGoesToTheNextTargetNotToAnotherKey() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");

    Step first = plan.next();
    assertThat(plan.timedOut()).isEqualTo(Decision.NEXT);
    Step second = plan.next();
    assertThat(second.target().pool()).isSameAs(azure);
    assertThat(second.token().secret()).isEqualTo(Z);
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);

    TokenSnapshot silent = snapshotOf(openai, first.token().secret());
    assertThat(silent.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(silent.consecutiveFailures()).isZero();
    assertThat(silent.requests()).isEqualTo(1);
    assertThat(openai.snapshot()).extracting(TokenSnapshot::requests).containsOnly(0L, 1L)
        .containsOnlyOnce(1L);
    assertThat(f.outages.snapshot()).isEmpty(); // one key tried: not an outage
  }

  @Test
  void transportErrorsAreRetriedOnAnotherKeyWhenThePolicySaysSo() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");

    Step first = plan.next();
    assertThat(plan.transportError()).isEqualTo(Decision.NEXT);
    Step second = plan.next();
    assertThat(second.target().pool()).isSameAs(openai);
    assertThat(second.token()).isNotEqualTo(first.token());
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);
  }

  @Test
  void actionFallbackGoesToTheNextTargetAtOnceWithoutRetryingTheSameOne() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure, "gpt-4o-32k"))
        .plan("gpt-4o");

    Step first = plan.next();
    Decision d = plan.report(TestResponse.status(400)
        .body("{\"error\":{\"code\":\"context_length_exceeded\"}}"));
    assertThat(d).isEqualTo(Decision.NEXT);
    assertThat(plan.lastVerdict().action()).isEqualTo(Action.FALLBACK);
    assertThat(plan.delay()).isZero();
    Step second = plan.next();
    assertThat(second.target().pool()).isSameAs(azure);
    assertThat(second.model()).isEqualTo("gpt-4o-32k");
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);

    TokenSnapshot key = snapshotOf(openai, first.token().secret());
    assertThat(key.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(key.failures()).isZero(); // the request's fault, not the key's
    assertThat(f.outages.snapshot()).isEmpty();
  }

  @Test
  void actionFallbackOnTheLastTargetGoesToTheClient() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");

    plan.next();
    assertThat(plan.report(TestResponse.status(400).body("context_length_exceeded")))
        .isEqualTo(Decision.DELIVER);
    assertThat(plan.next().kind()).isEqualTo(Step.Kind.ANSWER_LAST);
    assertThat(plan.attempts()).isOne();
  }

  @Test
  void anIgnoredFailureGoesToTheClientWithNoRetryAndNoFallback() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");

    Step first = plan.next();
    assertThat(plan.report(TestResponse.status(400).body("{\"error\":\"content_policy\"}")))
        .isEqualTo(Decision.DELIVER);
    assertThat(plan.lastVerdict().outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(plan.next().kind()).isEqualTo(Step.Kind.ANSWER_LAST);
    assertThat(plan.attempts()).isOne();
    assertThat(snapshotOf(openai, first.token().secret()).failures()).isZero();
    assertThat(azure.snapshot().get(0).requests()).isZero();
  }

  @Test
  void aSuccessGoesToTheClientAtOnce() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");

    plan.next();
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);
    assertThat(plan.attempts()).isOne();
    assertThatThrownBy(() -> plan.report(ok())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theLastFailureGoesToTheClientWhenEveryTargetFailed() {
    TokenPool openai = f.pool("openai", rules(null).build(), A);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");

    plan.next();
    assertThat(plan.report(down())).isEqualTo(Decision.NEXT);
    plan.next();
    assertThat(plan.report(TestResponse.status(502))).isEqualTo(Decision.DELIVER);
    assertThat(plan.next().kind()).isEqualTo(Step.Kind.ANSWER_LAST);
  }

  @Test
  void nothingSelectableIsA503WithTheEarliestReturn() {
    TokenPool openai = f.pool("openai", rules(null).healthCheck(HealthCheck.of("gpt-4o-mini"))
        .build(), A);
    openai.select().record(Verdict.failure("down")); // threshold 1: out for one probe period
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");

    Step step = plan.next();
    assertThat(step.kind()).isEqualTo(Step.Kind.UNAVAILABLE);
    assertThat(step.retryAfter()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11));
    assertThat(f.outages.inOutage(Target.of(openai), "gpt-4o")).isTrue();
    assertThat(f.outages.snapshot()).singleElement()
        .satisfies(s -> assertThat(s.reason()).contains("no token of pool openai"));
  }

  @Test
  void afterTheFirstByteThereIsNoFallback() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(2)).build(), A, B, C);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");

    plan.next();
    assertThat(plan.mayContinue()).isTrue();
    plan.committed(); // a stream passed through before it was judged
    assertThat(plan.mayContinue()).isFalse();
    assertThat(plan.report(down())).isEqualTo(Decision.DELIVER);
    assertThat(plan.transportError()).isEqualTo(Decision.DELIVER); // the stream broke later
    assertThat(plan.next().isSend()).isFalse();
    assertThat(plan.attempts()).isOne();
    assertThat(azure.snapshot().get(0).requests()).isZero();
  }

  @Test
  void nextBeforeTheReportIsAMistake() {
    TokenPool openai = f.pool("openai", rules(null).build(), A);
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("m");
    assertThatThrownBy(() -> plan.report(ok())).isInstanceOf(IllegalStateException.class);
    plan.next();
    assertThatThrownBy(plan::next).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("report the attempt")
        .hasMessageNotContaining(A);
  }

  @Test
  void mayContinueLooksAheadWithoutTakingAnything() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.of(1)).build(), A, B);
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");
    plan.next();
    assertThat(plan.mayContinue()).isTrue(); // another key, and a later target
    plan.report(down());
    plan.next();
    assertThat(plan.mayContinue()).isTrue(); // the later target
    plan.report(down());
    plan.next();
    assertThat(plan.mayContinue()).isFalse(); // the last target, one key: nothing can follow
    assertThat(plan.attempts()).isEqualTo(3);
  }
}
